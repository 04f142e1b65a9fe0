//! JSON export of a view's data. Sweeps export in the sweep schema
//! ([`crate::sweep::to_json`], re-importable); everything else a view shows is
//! wrapped in one small envelope saying which view and which tool wrote it, so a
//! file found later explains itself.
//!
//! ```json
//! { "schema": "sqlsweep.view", "version": 1, "view": "quality", "tool": "sqlsweep 0.1.0", "data": { … } }
//! ```

use serde::Serialize;

/// The format identifier of a view export.
pub const VIEW_SCHEMA_ID: &str = "sqlsweep.view";
/// Version of the envelope.
pub const VIEW_SCHEMA_VERSION: u32 = 1;

/// The tool that writes the files.
pub fn tool_version() -> String {
    format!("sqlsweep {}", env!("CARGO_PKG_VERSION"))
}

/// The envelope, serialised in one pass (no intermediate `serde_json::Value`,
/// which would add its own serializer to the page's wasm).
#[derive(Serialize)]
struct Envelope<'a, T: ?Sized> {
    schema: &'static str,
    version: u32,
    view: &'a str,
    tool: String,
    data: &'a T,
}

/// `data` of view `view` wrapped in the envelope, as pretty JSON. Non-finite
/// numbers become `null` (JSON has no NaN); a value serde cannot write (a map
/// with non-string keys) is an error naming the view.
pub fn view_json<T: Serialize + ?Sized>(view: &str, data: &T) -> Result<String, String> {
    let doc = Envelope {
        schema: VIEW_SCHEMA_ID,
        version: VIEW_SCHEMA_VERSION,
        view,
        tool: tool_version(),
        data,
    };
    serde_json::to_string_pretty(&doc)
        .map_err(|e| format!("the {view} view's data could not be written as JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use serde_json::{json, Value};

    use super::*;
    use crate::outcome::Outcome;

    #[derive(Serialize)]
    struct Data {
        n: u32,
        ratio: f64,
        by_class: BTreeMap<Outcome, u32>,
    }

    fn check<T: Serialize>(data: &T, expected: Result<Value, &str>) {
        let got = view_json("quality", data);
        match (got, expected) {
            (Ok(text), Ok(want)) => {
                let v: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(v["schema"], VIEW_SCHEMA_ID);
                assert_eq!(v["version"], 1);
                assert_eq!(v["view"], "quality");
                assert!(v["tool"].as_str().unwrap().starts_with("sqlsweep "));
                assert_eq!(v["data"], want);
            }
            (Err(e), Err(msg)) => assert!(e.contains(msg), "{e}"),
            (got, want) => panic!("got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn envelopes() {
        let by_class: BTreeMap<Outcome, u32> =
            [(Outcome::SqlError, 7), (Outcome::RateLimited, 1)].into();
        check(
            &Data {
                n: 25,
                ratio: 0.96,
                by_class: by_class.clone(),
            },
            Ok(json!({"n": 25, "ratio": 0.96, "by_class": {"rate_limited": 1, "sql_error": 7}})),
        );
        check(
            &Data {
                n: 0,
                ratio: f64::NAN,
                by_class: BTreeMap::new(),
            },
            Ok(json!({"n": 0, "ratio": null, "by_class": {}})),
        );
        check(&vec!["a", "b"], Ok(json!(["a", "b"])));
        let bad: HashMap<(u8, u8), u8> = [((1, 2), 3)].into();
        check(
            &bad,
            Err("the quality view's data could not be written as JSON"),
        );
    }
}
