//! A sans-IO Server-Sent Events parser: bytes in, events out.
//!
//! Why our own: chat-completions streams are SSE over a `POST`, which the browser's
//! `EventSource` cannot do, and the browser and the CLI must split events the same
//! way. The parser follows the WHATWG "event stream interpretation" rules: lines end
//! in CRLF, LF or a lone CR (a CR at the end of one chunk followed by LF at the start
//! of the next is one line end); `:` starts a comment; `field: value` strips one space;
//! `data` lines join with `\n`; an empty line dispatches; a leading BOM is dropped.
//! Bytes are buffered until a line is complete, so chunk boundaries inside a UTF-8
//! sequence are harmless. Invalid UTF-8 becomes U+FFFD (as the standard says).

/// Longest line accepted (a hostile or broken server could otherwise grow memory
/// without bound by never sending a newline).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` field; `None` means the default type ("message").
    pub event: Option<String>,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// The last `id:` seen so far.
    pub id: Option<String>,
}

/// Why the byte stream could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SseError {
    #[error("event-stream line longer than {max} bytes without a line break")]
    LineTooLong { max: usize },
}

/// What was left when the stream ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseTail {
    /// An event whose fields were complete but whose terminating blank line never came.
    /// The standard discards it; callers may still look at it (e.g. a final `[DONE]`).
    pub unterminated: Option<SseEvent>,
    /// Bytes of a last line that had no line break at all.
    pub partial_line: Option<String>,
}

/// The parser state. Feed it bytes in any chunking; it never allocates more than one
/// line plus one pending event.
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    /// The previous chunk ended in CR: a leading LF in the next chunk belongs to it.
    after_cr: bool,
    started: bool,
    event: Option<String>,
    data: String,
    has_data: bool,
    last_id: Option<String>,
    failed: bool,
}

impl SseParser {
    pub fn new() -> SseParser {
        SseParser::default()
    }

    /// Consumes `bytes` and returns the events completed by them, in order.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Vec<SseEvent>, SseError> {
        if self.failed {
            return Err(SseError::LineTooLong {
                max: MAX_LINE_BYTES,
            });
        }
        let mut out = Vec::new();
        let mut rest = bytes;
        if self.after_cr {
            self.after_cr = false;
            if let Some(b'\n') = rest.first() {
                rest = &rest[1..];
            }
        }
        while !rest.is_empty() {
            match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(i) => {
                    self.push_line_bytes(&rest[..i])?;
                    let is_cr = rest[i] == b'\r';
                    rest = &rest[i + 1..];
                    if is_cr {
                        match rest.first() {
                            Some(b'\n') => rest = &rest[1..],
                            None => self.after_cr = true,
                            Some(_) => {}
                        }
                    }
                    let line = std::mem::take(&mut self.line);
                    if let Some(ev) = self.process_line(&line) {
                        out.push(ev);
                    }
                }
                None => {
                    self.push_line_bytes(rest)?;
                    rest = &[];
                }
            }
        }
        Ok(out)
    }

    /// Ends the stream: reports what had not been dispatched.
    pub fn finish(&mut self) -> SseTail {
        let mut tail = SseTail::default();
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            tail.partial_line = Some(String::from_utf8_lossy(&line).into_owned());
            // Interpret it as if terminated, so a final `data: [DONE]` without a newline
            // is still visible as an unterminated event.
            self.process_line(&line);
        }
        if self.has_data {
            tail.unterminated = Some(SseEvent {
                event: self.event.take(),
                data: std::mem::take(&mut self.data),
                id: self.last_id.clone(),
            });
        }
        self.has_data = false;
        self.event = None;
        tail
    }

    fn push_line_bytes(&mut self, bytes: &[u8]) -> Result<(), SseError> {
        if self.line.len() + bytes.len() > MAX_LINE_BYTES {
            self.failed = true;
            self.line.clear();
            return Err(SseError::LineTooLong {
                max: MAX_LINE_BYTES,
            });
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    fn process_line(&mut self, raw: &[u8]) -> Option<SseEvent> {
        let decoded = String::from_utf8_lossy(raw);
        let mut line: &str = &decoded;
        if !self.started {
            // A BOM may only appear at the very start of the stream.
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
            self.started = true;
        }
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.find(':') {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(' ').unwrap_or(v))
            }
            None => (line, ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event = Some(value.to_string()),
            "id" if !value.contains('\0') => self.last_id = Some(value.to_string()),
            // `retry` and unknown fields are ignored: we never reconnect.
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = self.event.take();
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        Some(SseEvent {
            event,
            data: std::mem::take(&mut self.data),
            id: self.last_id.clone(),
        })
    }
}

/// Parses a whole byte stream split into `chunks`; a convenience for tests and for
/// bodies that arrive at once.
pub fn parse_all<'a>(
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Result<(Vec<SseEvent>, SseTail), SseError> {
    let mut p = SseParser::new();
    let mut events = Vec::new();
    for c in chunks {
        events.extend(p.feed(c)?);
    }
    let tail = p.finish();
    Ok((events, tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(data: &str) -> SseEvent {
        SseEvent {
            event: None,
            data: data.into(),
            id: None,
        }
    }

    /// Checks `input` three ways: in one chunk, byte by byte, and split at every
    /// possible single position — all must give the same events and tail.
    fn check(input: &[u8], expected: &[SseEvent], expected_tail: SseTail) {
        let whole = parse_all([input]).unwrap();
        assert_eq!(
            whole.0,
            expected,
            "one chunk: {:?}",
            String::from_utf8_lossy(input)
        );
        assert_eq!(whole.1, expected_tail, "tail, one chunk");
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        let by_byte = parse_all(bytes).unwrap();
        assert_eq!(
            by_byte,
            whole,
            "byte by byte: {:?}",
            String::from_utf8_lossy(input)
        );
        for cut in 0..=input.len() {
            let split = parse_all([&input[..cut], &input[cut..]]).unwrap();
            assert_eq!(
                split,
                whole,
                "split at {cut}: {:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn events() {
        let none = SseTail::default;
        check(b"data: a\n\n", &[ev("a")], none());
        check(b"data: a\r\n\r\n", &[ev("a")], none());
        check(b"data: a\r\rdata: b\r\r", &[ev("a"), ev("b")], none());
        check(b"data:a\n\ndata:  b\n\n", &[ev("a"), ev(" b")], none());
        check(b"data: 1\ndata: 2\n\n", &[ev("1\n2")], none());
        check(b": comment\ndata: x\n: more\n\n", &[ev("x")], none());
        check(b":\n\n", &[], none());
        check(b"\xEF\xBB\xBFdata: bom\n\n", &[ev("bom")], none());
        check(b"data\n\n", &[ev("")], none());
        check(b"data: \n\n", &[ev("")], none());
        check(b"event: x\n\n", &[], none());
        check(
            b"event: error\ndata: {\"e\":1}\n\ndata: next\n\n",
            &[
                SseEvent {
                    event: Some("error".into()),
                    data: "{\"e\":1}".into(),
                    id: None,
                },
                ev("next"),
            ],
            none(),
        );
        check(
            b"id: 7\ndata: a\n\ndata: b\n\n",
            &[
                SseEvent {
                    event: None,
                    data: "a".into(),
                    id: Some("7".into()),
                },
                SseEvent {
                    event: None,
                    data: "b".into(),
                    id: Some("7".into()),
                },
            ],
            none(),
        );
        check(b"retry: 100\nfoo: bar\ndata: z\n\n", &[ev("z")], none());
        // Multi-byte UTF-8 anywhere (the split checks cut through it).
        check(
            "data: héllo → 日本\n\n".as_bytes(),
            &[ev("héllo → 日本")],
            none(),
        );
        // Invalid UTF-8 is replaced, not fatal.
        check(b"data: \xff\n\n", &[ev("\u{fffd}")], none());
        // CRLF then LF-only blank line.
        check(b"data: a\r\n\n", &[ev("a")], none());
    }

    #[test]
    fn tails() {
        check(
            b"data: a\n\ndata: [DONE]",
            &[ev("a")],
            SseTail {
                unterminated: Some(ev("[DONE]")),
                partial_line: Some("data: [DONE]".into()),
            },
        );
        check(
            b"data: {\"x\":1}\n",
            &[],
            SseTail {
                unterminated: Some(ev("{\"x\":1}")),
                partial_line: None,
            },
        );
        check(
            b"data: a\n\n: trailing comment",
            &[ev("a")],
            SseTail {
                unterminated: None,
                partial_line: Some(": trailing comment".into()),
            },
        );
    }

    #[test]
    fn line_too_long_is_an_error_not_a_panic() {
        let mut p = SseParser::new();
        let big = vec![b'x'; MAX_LINE_BYTES / 2 + 1];
        assert!(p.feed(&big).is_ok());
        assert_eq!(
            p.feed(&big),
            Err(SseError::LineTooLong {
                max: MAX_LINE_BYTES
            })
        );
        assert!(p.feed(b"\n").is_err(), "the parser stays failed");
    }
}
