//! Parsing and formatting of hash locations, kept free of the DOM so it is tested
//! natively. Grammar: `#/<view>[?key=value&…]`; keys and values are percent-encoded.

use std::fmt;

/// The views that exist. The nav lists exactly these; add a view here and in
/// `views/` together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// The overview: counts, hero tiles, the architecture diagram (`#/`).
    Overview,
    /// The sweep matrix, the cost-vs-accuracy chart and the paired comparison.
    Sweep,
    /// The platform cards and the best-vs-best table.
    Platforms,
    /// Cost explorer: volume, cost matrix, build vs buy.
    Cost,
    /// Inference insights: Q1–Q7 and the long-form sections.
    Insights,
    /// Latency under load and the sequential runs.
    Latency,
    /// Quality: gold questions, the agent and baseline runs, the failure taxonomy.
    Quality,
    /// Roadmap and the limitations found in the data.
    Roadmap,
    /// The live demo and comparison tool.
    Live,
    /// Sweeps and load tests run from the browser.
    Run,
}

impl Route {
    /// Every view, in nav order.
    pub const ALL: [Route; 10] = [
        Route::Overview,
        Route::Sweep,
        Route::Platforms,
        Route::Cost,
        Route::Insights,
        Route::Latency,
        Route::Quality,
        Route::Live,
        Route::Run,
        Route::Roadmap,
    ];

    /// The path inside the hash (`sweep` for `#/sweep`; empty for the home view).
    pub fn path(self) -> &'static str {
        match self {
            Route::Overview => "",
            Route::Sweep => "sweep",
            Route::Platforms => "platforms",
            Route::Cost => "cost",
            Route::Insights => "insights",
            Route::Latency => "latency",
            Route::Quality => "quality",
            Route::Roadmap => "roadmap",
            Route::Live => "live",
            Route::Run => "run",
        }
    }

    /// The nav label.
    pub fn title(self) -> &'static str {
        match self {
            Route::Overview => "Overview",
            Route::Sweep => "Model sweep",
            Route::Platforms => "Platforms",
            Route::Cost => "Cost",
            Route::Insights => "Insights",
            Route::Latency => "Latency",
            Route::Quality => "Quality",
            Route::Roadmap => "Roadmap",
            Route::Live => "Live demo",
            Route::Run => "Run a sweep",
        }
    }

    /// The view at `path` (the part of the hash after `#/`, without the query).
    pub fn from_path(path: &str) -> Option<Route> {
        Route::ALL.into_iter().find(|r| r.path() == path)
    }

    /// Other names a view answers to, shown under its own path: the original
    /// dashboard's tab hashes (`#modelsweep`, `#platform`, `#overview`), so its
    /// links keep working.
    fn from_alias(path: &str) -> Option<Route> {
        match path {
            "overview" => Some(Route::Overview),
            "modelsweep" => Some(Route::Sweep),
            "platform" => Some(Route::Platforms),
            _ => None,
        }
    }

    /// Where `#/` (and an empty hash) goes.
    pub const HOME: Route = Route::Overview;
}

/// What a hash resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    View(Route),
    /// Another name of a view (see [`Route::from_alias`]): show it and rewrite the
    /// address to the view's own path.
    Redirect(Route),
    /// A path no view has; shown as "not found" with the nav.
    NotFound(String),
}

/// A parsed hash: the view and its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashLocation {
    pub target: Target,
    pub query: Query,
}

impl HashLocation {
    /// Parses `location.hash` (with or without the leading `#`). Never fails:
    /// unknown paths become [`Target::NotFound`], malformed escapes are kept literally.
    pub fn parse(hash: &str) -> HashLocation {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        let (path, query) = match hash.split_once('?') {
            Some((p, q)) => (p, Query::parse(q)),
            None => (hash, Query::default()),
        };
        let path = path.trim_start_matches('/').trim_end_matches('/');
        let target = if path.is_empty() {
            Target::View(Route::HOME)
        } else if let Some(route) = Route::from_path(path) {
            Target::View(route)
        } else if let Some(route) = Route::from_alias(path) {
            Target::Redirect(route)
        } else {
            Target::NotFound(decode(path))
        };
        HashLocation { target, query }
    }

    /// The location as a hash (`#/sweep?sort=cost`).
    pub fn to_hash(&self) -> String {
        let path = match &self.target {
            Target::View(r) | Target::Redirect(r) => r.path().to_string(),
            Target::NotFound(p) => encode(p),
        };
        if self.query.is_empty() {
            format!("#/{path}")
        } else {
            format!("#/{path}?{}", self.query)
        }
    }

    /// The hash that links to `route` with no view state.
    pub fn href(route: Route) -> String {
        format!("#/{}", route.path())
    }
}

/// The query inside a hash: ordered key/value pairs (a key appears at most once).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query(Vec<(String, String)>);

impl Query {
    pub fn parse(s: &str) -> Query {
        let mut q = Query::default();
        for part in s.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            q.set(&decode(k), &decode(v));
        }
        q
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Sets `key` (keeping its position if present).
    pub fn set(&mut self, key: &str, value: &str) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value.to_string(),
            None => self.0.push((key.to_string(), value.to_string())),
        }
    }

    pub fn remove(&mut self, key: &str) {
        self.0.retain(|(k, _)| k != key);
    }

    /// Builder form of [`Query::set`]/[`Query::remove`]: `None` removes the key.
    pub fn with(mut self, key: &str, value: Option<&str>) -> Query {
        match value {
            Some(v) => self.set(key, v),
            None => self.remove(key),
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every key/value pair, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("&")?;
            }
            write!(f, "{}={}", encode(k), encode(v))?;
        }
        Ok(())
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters and the few
/// delimiters that are safe inside a query value and keep URLs readable (`:` `,` `@` `/`).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'_' | b'.' | b'~' | b':' | b',' | b'@' | b'/')
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes and `+` (as space). Invalid escapes and invalid UTF-8 are
/// kept as they were rather than rejected: a hand-edited URL still opens.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(hash: &str, target: Target, query: &[(&str, &str)], canonical: &str) {
        let loc = HashLocation::parse(hash);
        assert_eq!(loc.target, target, "target of {hash:?}");
        let pairs: Vec<(&str, &str)> = loc
            .query
            .0
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(pairs, query, "query of {hash:?}");
        assert_eq!(loc.to_hash(), canonical, "canonical form of {hash:?}");
        assert_eq!(
            HashLocation::parse(canonical).to_hash(),
            canonical,
            "canonical form is stable for {hash:?}"
        );
    }

    #[test]
    fn parses_hashes() {
        use Target::*;
        check("", View(Route::Overview), &[], "#/");
        check("#", View(Route::Overview), &[], "#/");
        check("#/", View(Route::Overview), &[], "#/");
        check("#/?x=1", View(Route::Overview), &[("x", "1")], "#/?x=1");
        check("#/sweep", View(Route::Sweep), &[], "#/sweep");
        check("#/platforms", View(Route::Platforms), &[], "#/platforms");
        // The original dashboard's tab hashes.
        check("#modelsweep", Redirect(Route::Sweep), &[], "#/sweep");
        check("#platform", Redirect(Route::Platforms), &[], "#/platforms");
        check("#overview", Redirect(Route::Overview), &[], "#/");
        check("#sweep/", View(Route::Sweep), &[], "#/sweep");
        check(
            "#/sweep?platform=baseten&sort=latency_p50",
            View(Route::Sweep),
            &[("platform", "baseten"), ("sort", "latency_p50")],
            "#/sweep?platform=baseten&sort=latency_p50",
        );
        check(
            "#/sweep?a=1&a=2",
            View(Route::Sweep),
            &[("a", "2")],
            "#/sweep?a=2",
        );
        check(
            "#/sweep?flag&&x=",
            View(Route::Sweep),
            &[("flag", ""), ("x", "")],
            "#/sweep?flag=&x=",
        );
        check(
            "#/sweep?q=a%20b+c%26d",
            View(Route::Sweep),
            &[("q", "a b c&d")],
            "#/sweep?q=a%20b%20c%26d",
        );
        check(
            "#/sweep?bad=%zz%4",
            View(Route::Sweep),
            &[("bad", "%zz%4")],
            "#/sweep?bad=%25zz%254",
        );
        check(
            "#/sweep?u=%C3%A9",
            View(Route::Sweep),
            &[("u", "é")],
            "#/sweep?u=%C3%A9",
        );
        check(
            "#/sweep?u=%FF",
            View(Route::Sweep),
            &[("u", "%FF")],
            "#/sweep?u=%25FF",
        );
        check(
            "#/sweep?sort=cost_per_query%3Adesc",
            View(Route::Sweep),
            &[("sort", "cost_per_query:desc")],
            "#/sweep?sort=cost_per_query:desc",
        );
        check(
            "#/cost?volume=90000",
            View(Route::Cost),
            &[("volume", "90000")],
            "#/cost?volume=90000",
        );
        check("#/insights", View(Route::Insights), &[], "#/insights");
        check("#/latency/", View(Route::Latency), &[], "#/latency");
        check(
            "#/quality?by=platform",
            View(Route::Quality),
            &[("by", "platform")],
            "#/quality?by=platform",
        );
        check("#/roadmap", View(Route::Roadmap), &[], "#/roadmap");
        check("#/nope", NotFound("nope".into()), &[], "#/nope");
        check("#/mod%20el", NotFound("mod el".into()), &[], "#/mod%20el");
    }

    #[test]
    fn query_edits() {
        let q = Query::parse("a=1&b=2")
            .with("a", Some("3"))
            .with("b", None)
            .with("c", Some("x y"));
        assert_eq!(q.to_string(), "a=3&c=x%20y");
        assert_eq!(q.get("c"), Some("x y"));
        assert_eq!(q.get("b"), None);
    }
}
