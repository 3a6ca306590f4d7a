//! A small indentation-aware line writer; all C++ text goes through it.

/// Lines with indentation.
#[derive(Default, Debug)]
pub struct Writer {
    out: String,
    indent: usize,
}

impl Writer {
    /// Writes one line at the current indentation.
    pub fn line(&mut self, s: &str) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    /// An empty line.
    pub fn blank(&mut self) {
        self.out.push('\n');
    }

    /// Writes `s` and indents what follows.
    pub fn open(&mut self, s: &str) {
        self.line(s);
        self.indent += 1;
    }

    /// Dedents and writes `s` (nothing if empty).
    pub fn close(&mut self, s: &str) {
        self.indent = self.indent.saturating_sub(1);
        if !s.is_empty() {
            self.line(s);
        }
    }

    /// Dedents, writes `s`, indents again (`) {` after a parameter list).
    pub fn close_open(&mut self, s: &str) {
        self.close(s);
        self.indent += 1;
    }

    /// Appends raw text.
    pub fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Indents what follows by `n` more levels.
    pub fn indent_by(&mut self, n: usize) {
        self.indent += n;
    }

    /// The text.
    pub fn finish(self) -> String {
        self.out
    }
}
