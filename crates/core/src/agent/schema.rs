//! The database schema as plain data, and the two ways the agent shows it to a
//! model: the compact one-line-per-table form and the verbose DDL form.
//!
//! Why data and not a string: the trimmer needs tables and foreign keys, the web
//! view shows them, and the browser reads the schema in its SQLite worker and sends
//! it to the page — so the schema is read once ([`read_schema`], behind the `sqlite`
//! feature) and everything else is pure rendering.

use serde::{Deserialize, Serialize};

/// All tables of a database, in name order (SQLite's binary collation).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SchemaInfo {
    pub tables: Vec<TableInfo>,
}

/// One table.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TableInfo {
    pub name: String,
    /// In declaration order.
    pub columns: Vec<ColumnInfo>,
    /// Outgoing foreign keys, one entry per column pair.
    pub foreign_keys: Vec<ForeignKey>,
    /// The `CREATE TABLE` statement as stored in `sqlite_master`, when known; the DDL
    /// form uses it verbatim and synthesises a statement otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_sql: Option<String>,
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    /// The declared type as written (`NVARCHAR(160)`); empty when none was declared.
    pub decl_type: String,
    /// Part of the primary key.
    pub pk: bool,
}

/// `from_column` of the owning table references `to_table.to_column`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ForeignKey {
    pub from_column: String,
    pub to_table: String,
    pub to_column: String,
}

impl SchemaInfo {
    /// The table called `name` (exact match).
    pub fn table(&self, name: &str) -> Option<&TableInfo> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// Table names in schema order.
    pub fn table_names(&self) -> Vec<&str> {
        self.tables.iter().map(|t| t.name.as_str()).collect()
    }
}

impl ColumnInfo {
    /// The type as the compact form shows it: lower-cased, cut at `(`, trimmed.
    pub fn compact_type(&self) -> String {
        let base = self.decl_type.split('(').next().unwrap_or("");
        base.trim().to_lowercase()
    }
}

impl TableInfo {
    /// `Table(Col:type[pk,fk→Other.Col], …)`: the type is omitted when none was
    /// declared, the tag list when the column has no tags.
    pub fn compact_line(&self) -> String {
        let columns: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                let mut s = c.name.clone();
                let ty = c.compact_type();
                if !ty.is_empty() {
                    s.push(':');
                    s.push_str(&ty);
                }
                let mut tags: Vec<String> = Vec::new();
                if c.pk {
                    tags.push("pk".to_string());
                }
                for fk in self
                    .foreign_keys
                    .iter()
                    .filter(|fk| fk.from_column == c.name)
                {
                    tags.push(format!("fk→{}.{}", fk.to_table, fk.to_column));
                }
                if !tags.is_empty() {
                    s.push('[');
                    s.push_str(&tags.join(","));
                    s.push(']');
                }
                s
            })
            .collect();
        format!("{}({})", self.name, columns.join(", "))
    }

    /// The table's `CREATE TABLE` statement without a trailing `;`: the stored one
    /// when known, else one built from columns, primary key and foreign keys.
    pub fn create_statement(&self) -> String {
        if let Some(sql) = &self.create_sql {
            return sql.trim().trim_end_matches(';').trim_end().to_string();
        }
        let mut parts: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                let name = quote_ident(&c.name);
                if c.decl_type.trim().is_empty() {
                    name
                } else {
                    format!("{name} {}", c.decl_type.trim())
                }
            })
            .collect();
        let pk: Vec<String> = self
            .columns
            .iter()
            .filter(|c| c.pk)
            .map(|c| quote_ident(&c.name))
            .collect();
        if !pk.is_empty() {
            parts.push(format!("PRIMARY KEY ({})", pk.join(", ")));
        }
        for fk in &self.foreign_keys {
            parts.push(format!(
                "FOREIGN KEY ({}) REFERENCES {} ({})",
                quote_ident(&fk.from_column),
                quote_ident(&fk.to_table),
                quote_ident(&fk.to_column)
            ));
        }
        format!(
            "CREATE TABLE {} (\n    {}\n)",
            quote_ident(&self.name),
            parts.join(",\n    ")
        )
    }
}

/// `"name"` with inner quotes doubled, as SQLite quotes identifiers.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The compact schema: one [`TableInfo::compact_line`] per table, in schema order,
/// joined by newlines (no trailing newline).
pub fn compact(schema: &SchemaInfo) -> String {
    compact_tables(schema, |_| true)
}

/// The compact lines of the tables `keep` accepts, in schema order.
pub(crate) fn compact_tables(schema: &SchemaInfo, keep: impl Fn(&TableInfo) -> bool) -> String {
    schema
        .tables
        .iter()
        .filter(|t| keep(t))
        .map(TableInfo::compact_line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The verbose schema: every table's `CREATE TABLE` statement, joined by `;` and a
/// blank line, ending in `;` (empty for an empty schema).
pub fn ddl(schema: &SchemaInfo) -> String {
    if schema.tables.is_empty() {
        return String::new();
    }
    let statements: Vec<String> = schema
        .tables
        .iter()
        .map(TableInfo::create_statement)
        .collect();
    format!("{};", statements.join(";\n\n"))
}

/// Reads every user table (not `sqlite_*` internals) with its columns and foreign
/// keys, tables in name order. A foreign key that names no target column (SQLite
/// then means the target's primary key) is resolved to that primary-key column.
#[cfg(feature = "sqlite")]
pub fn read_schema(conn: &rusqlite::Connection) -> rusqlite::Result<SchemaInfo> {
    let mut tables = Vec::new();
    let mut list = conn.prepare(
        "SELECT name, sql FROM sqlite_master \
         WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )?;
    let names: Vec<(String, Option<String>)> = list
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut col_stmt =
        conn.prepare("SELECT name, type, pk FROM pragma_table_info(?1) ORDER BY cid")?;
    let mut fk_stmt = conn.prepare(
        "SELECT \"from\", \"table\", \"to\", seq FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
    )?;
    // (table index, fk index, seq) of foreign keys whose target column is implicit.
    let mut unresolved: Vec<(usize, usize, i64)> = Vec::new();
    for (name, create_sql) in names {
        let columns: Vec<ColumnInfo> = col_stmt
            .query_map([&name], |r| {
                Ok(ColumnInfo {
                    name: r.get(0)?,
                    decl_type: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    pk: r.get::<_, i64>(2)? > 0,
                })
            })?
            .collect::<Result<_, _>>()?;
        let raw: Vec<(String, String, Option<String>, i64)> = fk_stmt
            .query_map([&name], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<_, _>>()?;
        let mut foreign_keys = Vec::new();
        for (from_column, to_table, to_column, seq) in raw {
            if to_column.is_none() {
                unresolved.push((tables.len(), foreign_keys.len(), seq));
            }
            foreign_keys.push(ForeignKey {
                from_column,
                to_table,
                to_column: to_column.unwrap_or_default(),
            });
        }
        tables.push(TableInfo {
            name,
            columns,
            foreign_keys,
            create_sql,
        });
    }
    let mut pk_stmt =
        conn.prepare("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")?;
    for (ti, fi, seq) in unresolved {
        let target = tables[ti].foreign_keys[fi].to_table.clone();
        let pks: Vec<String> = pk_stmt
            .query_map([&target], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if let Some(col) = usize::try_from(seq).ok().and_then(|s| pks.get(s)) {
            tables[ti].foreign_keys[fi].to_column = col.clone();
        }
    }
    Ok(SchemaInfo { tables })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small schema in code: `Parent(Id pk)`, `Child(Id pk, ParentId fk→Parent.Id, Note)`.
    pub(crate) fn table(
        name: &str,
        cols: &[(&str, &str, bool)],
        fks: &[(&str, &str, &str)],
    ) -> TableInfo {
        TableInfo {
            name: name.to_string(),
            columns: cols
                .iter()
                .map(|(n, t, pk)| ColumnInfo {
                    name: n.to_string(),
                    decl_type: t.to_string(),
                    pk: *pk,
                })
                .collect(),
            foreign_keys: fks
                .iter()
                .map(|(f, t, c)| ForeignKey {
                    from_column: f.to_string(),
                    to_table: t.to_string(),
                    to_column: c.to_string(),
                })
                .collect(),
            create_sql: None,
        }
    }

    fn check_line(t: TableInfo, expected: &str) {
        assert_eq!(t.compact_line(), expected, "compact line of {}", t.name);
    }

    #[rustfmt::skip]
    #[test]
    fn compact_lines() {
        let cases: Vec<(TableInfo, &str)> = vec![
            (table("T", &[("Id", "INTEGER", true)], &[]), "T(Id:integer[pk])"),
            (table("T", &[("Name", "NVARCHAR(160)", false)], &[]), "T(Name:nvarchar)"),
            (table("T", &[("Blob", "", false)], &[]), "T(Blob)"),
            (table("T", &[("X", " Numeric (10,2)", false)], &[]), "T(X:numeric)"),
            (table("PT", &[("A", "INTEGER", true), ("B", "INTEGER", true)], &[("A", "P", "Id"), ("B", "T", "Id")]),
                "PT(A:integer[pk,fk→P.Id], B:integer[pk,fk→T.Id])"),
            (table("E", &[("Boss", "INTEGER", false)], &[("Boss", "E", "Id")]), "E(Boss:integer[fk→E.Id])"),
            (table("Empty", &[], &[]), "Empty()"),
        ];
        for (t, expected) in cases {
            check_line(t, expected);
        }
    }

    #[test]
    fn ddl_synthesised_and_stored() {
        let mut t = table(
            "Child",
            &[
                ("Id", "INTEGER", true),
                ("ParentId", "INTEGER", false),
                ("Note", "", false),
            ],
            &[("ParentId", "Parent", "Id")],
        );
        let schema = SchemaInfo {
            tables: vec![t.clone()],
        };
        assert_eq!(
            ddl(&schema),
            "CREATE TABLE \"Child\" (\n    \"Id\" INTEGER,\n    \"ParentId\" INTEGER,\n    \"Note\",\n    PRIMARY KEY (\"Id\"),\n    FOREIGN KEY (\"ParentId\") REFERENCES \"Parent\" (\"Id\")\n);"
        );
        t.create_sql = Some("CREATE TABLE Child (Id INTEGER PRIMARY KEY);".to_string());
        let two = SchemaInfo {
            tables: vec![t.clone(), t],
        };
        assert_eq!(ddl(&two), "CREATE TABLE Child (Id INTEGER PRIMARY KEY);\n\nCREATE TABLE Child (Id INTEGER PRIMARY KEY);");
        assert_eq!(ddl(&SchemaInfo::default()), "");
        assert_eq!(compact(&SchemaInfo::default()), "");
    }

    #[cfg(feature = "sqlite")]
    #[test]
    fn reads_schema_of_a_small_database() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE \"we\"\"ird\" (k INTEGER PRIMARY KEY, v);
             CREATE TABLE b (x INTEGER, y TEXT, PRIMARY KEY (y, x));
             CREATE TABLE a (id INTEGER PRIMARY KEY, bx INTEGER, by TEXT, w INTEGER REFERENCES \"we\"\"ird\",
                             FOREIGN KEY (by, bx) REFERENCES b);
             CREATE VIEW v AS SELECT 1;",
        )
        .unwrap();
        let s = read_schema(&conn).unwrap();
        assert_eq!(s.table_names(), vec!["a", "b", "we\"ird"]);
        assert_eq!(
            compact(&s),
            "a(id:integer[pk], bx:integer[fk→b.x], by:text[fk→b.y], w:integer[fk→we\"ird.k])\n\
             b(x:integer[pk], y:text[pk])\n\
             we\"ird(k:integer[pk], v)"
        );
        assert!(ddl(&s).starts_with("CREATE TABLE a ("));
    }
}
