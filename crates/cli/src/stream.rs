//! Input lines as bytes with a bounded length, and output that ends quietly when the reader of
//! stdout goes away (`symshape batch big.jsonl | head -1`).

use std::io::{self, Read, Write};

/// The longest input line `batch` reads; a longer line is skipped (read, not kept) and answered
/// with an error, so memory stays bounded whatever the input.
pub const MAX_LINE: usize = 16 << 20;

/// One input line, as read.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// The line's bytes are in the caller's buffer (without the `\n` or `\r\n`).
    Read,
    /// The line had this many bytes, more than `MAX_LINE`; its bytes were dropped.
    TooLong(u64),
}

/// Splits a byte stream into lines (any bytes; UTF-8 is checked by the caller).
#[derive(Debug)]
pub struct LineReader<R> {
    src: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    max: usize,
}

impl<R: Read> LineReader<R> {
    pub fn new(src: R) -> Self {
        Self::with_limit(src, MAX_LINE)
    }

    pub fn with_limit(src: R, max: usize) -> Self {
        LineReader {
            src,
            buf: vec![0; 64 << 10].into_boxed_slice(),
            pos: 0,
            end: 0,
            max,
        }
    }

    /// Reads the next line into `line` (cleared first); `None` at the end of the input. The
    /// last line needs no final newline. `before_wait` runs before every read of the source
    /// (when the buffered input is used up), so that output can be flushed before the reader
    /// may block: a streaming client gets each answer before it sends the next request, and a
    /// file costs one flush per 64 KiB of input, not one per line.
    pub fn next_line(
        &mut self,
        line: &mut Vec<u8>,
        before_wait: &mut dyn FnMut(),
    ) -> io::Result<Option<Line>> {
        line.clear();
        if line.capacity() > 1 << 20 {
            // After a huge line, do not keep its buffer for the rest of the stream.
            line.shrink_to(64 << 10);
        }
        let mut len: u64 = 0;
        let mut started = false;
        loop {
            if self.pos == self.end {
                before_wait();
                let n = loop {
                    match self.src.read(&mut self.buf) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        r => break r?,
                    }
                };
                if n == 0 {
                    if !started {
                        return Ok(None);
                    }
                    break;
                }
                self.pos = 0;
                self.end = n;
            }
            started = true;
            let chunk = &self.buf[self.pos..self.end];
            // memchr, not a byte-by-byte search: that was about 600 instructions per request.
            let (take, newline) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i, true),
                None => (chunk.len(), false),
            };
            len += take as u64;
            if len <= self.max as u64 {
                line.extend_from_slice(&chunk[..take]);
            } else {
                line.clear();
            }
            self.pos += take + usize::from(newline);
            if newline {
                break;
            }
        }
        if len > self.max as u64 {
            return Ok(Some(Line::TooLong(len)));
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        Ok(Some(Line::Read))
    }
}

/// Ends the program when writing to stdout failed: quietly with status 0 when stdout was closed
/// by its reader (nobody is left to read the answers; `| head` is not an error), with a message
/// and status 1 for any other error.
pub fn or_exit(r: io::Result<()>) {
    if let Err(e) = r {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        let _ = writeln!(io::stderr(), "error: cannot write the output: {e}");
        std::process::exit(1);
    }
}

/// Writes all of `text` to stdout and flushes it (see `or_exit` for a failed write).
pub fn print(text: &str) {
    let mut out = io::stdout().lock();
    or_exit(out.write_all(text.as_bytes()).and_then(|()| out.flush()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<Result<String, u64>> {
        // A reader that returns 3 bytes at a time, so lines straddle reads.
        struct Slow<'a>(&'a [u8]);
        impl Read for Slow<'_> {
            fn read(&mut self, b: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(3).min(b.len());
                b[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut r = LineReader::with_limit(Slow(input), max);
        let mut out = Vec::new();
        let mut buf = Vec::new();
        while let Some(l) = r.next_line(&mut buf, &mut || {}).unwrap() {
            out.push(match l {
                Line::Read => Ok(String::from_utf8_lossy(&buf).into_owned()),
                Line::TooLong(n) => Err(n),
            });
        }
        out
    }

    #[test]
    fn splits_lines_of_any_bytes_with_a_bounded_length() {
        assert_eq!(lines(b"", 10), vec![]);
        assert_eq!(lines(b"\n", 10), vec![Ok(String::new())]);
        assert_eq!(
            lines(b"ab\r\n\ncd", 10),
            vec![Ok("ab".into()), Ok(String::new()), Ok("cd".into())]
        );
        assert_eq!(
            lines(b"0123456789\n0123456789a\nx\n", 10),
            vec![Ok("0123456789".into()), Err(11), Ok("x".into())]
        );
        assert_eq!(lines(b"a\xffb\n", 10), vec![Ok("a\u{fffd}b".into())]);
    }

    #[test]
    fn waits_only_with_the_buffer_used_up() {
        let input = b"a\nb\nc\n".repeat(1000);
        let mut r = LineReader::new(&input[..]);
        let (mut waits, mut n, mut buf) = (0, 0, Vec::new());
        while r.next_line(&mut buf, &mut || waits += 1).unwrap().is_some() {
            n += 1;
        }
        assert_eq!((n, waits), (3000, 2));
    }
}
