//! Splitting `<think>…</think>` out of streamed content.
//!
//! Some reasoning models put their reasoning inside the `content` field between
//! think tags instead of in `reasoning_content`. The tags can be split across
//! deltas (`"<thi"`, `"nk>"`), so the splitter holds back a possible partial tag
//! until the next delta decides it. Whitespace right after `</think>` (models emit
//! `</think>\n\n`) is dropped, so the answer starts with its first real character.

const OPEN: &str = "<think>";
const CLOSE: &str = "</think>";

/// Text routed to the answer and to the reasoning by one push.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Split {
    pub answer: String,
    pub reasoning: String,
}

/// Streaming state: inside or outside a think block, plus a held-back partial tag.
#[derive(Debug, Clone, Default)]
pub struct ThinkSplitter {
    inside: bool,
    pending: String,
    /// A think block just closed: drop answer whitespace until real text comes.
    trim_answer: bool,
}

impl ThinkSplitter {
    pub fn new() -> ThinkSplitter {
        ThinkSplitter::default()
    }

    /// Routes one content delta.
    pub fn push(&mut self, text: &str) -> Split {
        let mut buf = std::mem::take(&mut self.pending);
        buf.push_str(text);
        let mut out = Split::default();
        let mut rest: &str = &buf;
        loop {
            let tag = if self.inside { CLOSE } else { OPEN };
            if let Some(i) = rest.find(tag) {
                self.emit(&mut out, &rest[..i]);
                if self.inside {
                    self.trim_answer = true;
                }
                self.inside = !self.inside;
                rest = &rest[i + tag.len()..];
                continue;
            }
            let hold = partial_tag_suffix(rest, tag);
            let (now, later) = rest.split_at(rest.len() - hold);
            self.emit(&mut out, now);
            self.pending = later.to_string();
            break;
        }
        out
    }

    /// Ends the content: a held-back partial tag was plain text after all.
    pub fn flush(&mut self) -> Split {
        let mut out = Split::default();
        let pending = std::mem::take(&mut self.pending);
        self.emit(&mut out, &pending);
        out
    }

    fn emit(&mut self, out: &mut Split, s: &str) {
        if self.inside {
            out.reasoning.push_str(s);
        } else if self.trim_answer {
            let t = s.trim_start();
            if !t.is_empty() {
                self.trim_answer = false;
            }
            out.answer.push_str(t);
        } else {
            out.answer.push_str(s);
        }
    }
}

/// Length of the longest proper prefix of `tag` that `s` ends with.
fn partial_tag_suffix(s: &str, tag: &str) -> usize {
    (1..tag.len())
        .rev()
        .find(|&n| s.ends_with(&tag[..n]))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `deltas` and checks the total answer and reasoning.
    fn check(deltas: &[&str], answer: &str, reasoning: &str) {
        let mut s = ThinkSplitter::new();
        let mut got = Split::default();
        for d in deltas {
            let p = s.push(d);
            got.answer.push_str(&p.answer);
            got.reasoning.push_str(&p.reasoning);
        }
        let p = s.flush();
        got.answer.push_str(&p.answer);
        got.reasoning.push_str(&p.reasoning);
        assert_eq!(
            (got.answer.as_str(), got.reasoning.as_str()),
            (answer, reasoning),
            "{deltas:?}"
        );
    }

    #[test]
    fn splits() {
        check(&["plain"], "plain", "");
        check(&["<think>hmm</think>{\"sql\":1}"], "{\"sql\":1}", "hmm");
        check(&["<thi", "nk>a", "b</th", "ink>", "x"], "x", "ab");
        check(
            &[
                "<", "t", "h", "i", "n", "k", ">", "r", "<", "/", "think>", "z",
            ],
            "z",
            "r",
        );
        check(&["a <b> c"], "a <b> c", "");
        check(&["ends with <thi"], "ends with <thi", "");
        check(&["<think>never closed"], "", "never closed");
        check(&["x<think>1</think>y<think>2</think>z"], "xyz", "12");
        check(
            &["<think>r</think>\n", "\n ", " SELECT\n1"],
            "SELECT\n1",
            "r",
        );
        check(&["a\n<think>r</think>\n\nb"], "a\nb", "r");
        check(&["日本<think>é</think>→"], "日本→", "é");
    }

    #[test]
    fn every_split_point() {
        let text = "<think>plan</think>SELECT 1";
        for cut in 0..=text.len() {
            if text.is_char_boundary(cut) {
                check(&[&text[..cut], &text[cut..]], "SELECT 1", "plan");
            }
        }
    }
}
