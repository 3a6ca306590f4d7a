//! `batch --jobs N` with N > 1: requests answered on N worker threads, answers written in input
//! order, input streamed.
//!
//! A reader thread cuts the input into chunks of whole lines (numbered in order), N workers
//! answer chunks (each request on its own fresh `sym::Context`, under the same panic isolation
//! as `--jobs 1`) and serialize the answers, and the calling thread writes the chunks' answers
//! in order. At most `window` chunks are in flight (read and not yet written): the reader takes
//! a credit per chunk and the writer returns it once the chunk is written, so a slow writer
//! stops the reader and memory stays bounded however long the input is.
//!
//! Flushing matches `--jobs 1`: whenever the reader has used up its buffered input and is about
//! to wait for more, it hands over the lines read so far in a chunk marked `flush`; the writer
//! flushes after writing that chunk. A client that sends one request and waits gets its answer;
//! a file costs one flush per 64 KiB of input.

use crate::stream::{self, Line, LineReader};
use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::ops::Range;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;

/// A chunk ends after this many lines or input bytes (a single longer line is one chunk).
const CHUNK_LINES: usize = 64;
const CHUNK_BYTES: usize = 16 << 10;

/// Stack of a worker thread: as large as the main thread's, which answers `--jobs 1`.
const WORKER_STACK: usize = 8 << 20;

/// One input line of a chunk: its bytes in `Chunk::bytes`, or a line over the length limit.
enum Item {
    Line(Range<usize>),
    TooLong(u64),
}

struct Chunk {
    seq: u64,
    bytes: Vec<u8>,
    items: Vec<Item>,
    /// The input had no more bytes ready after this chunk: flush once it is written.
    flush: bool,
}

/// The answers of one chunk, one JSON line per input line.
struct Answers {
    seq: u64,
    out: Vec<u8>,
    flush: bool,
}

/// Answers every line of `input` on `jobs` worker threads, writing the answers to `out` in
/// input order. Returns the error that stopped reading the input (the answers to every line
/// before it are written). A failed write ends the program (`stream::or_exit`).
pub fn batch(input: Box<dyn Read + Send>, jobs: usize, out: &mut impl Write) -> io::Result<()> {
    let window = 4 * jobs.max(1);
    let (work_tx, work_rx) = mpsc::sync_channel::<Chunk>(window);
    let (done_tx, done_rx) = mpsc::sync_channel::<Answers>(window);
    let (credit_tx, credit_rx) = mpsc::sync_channel::<()>(window);
    for _ in 0..window {
        credit_tx
            .send(())
            .expect("the credit channel holds the window");
    }

    let reader = thread::Builder::new()
        .name("batch-reader".into())
        .spawn(move || read_chunks(input, &work_tx, &credit_rx))
        .expect("cannot start the reader thread");
    let work_rx = Arc::new(Mutex::new(work_rx));
    for i in 0..jobs {
        let work_rx = Arc::clone(&work_rx);
        let done_tx = done_tx.clone();
        thread::Builder::new()
            .name(format!("batch-worker-{i}"))
            .stack_size(WORKER_STACK)
            .spawn(move || work(&work_rx, &done_tx))
            .expect("cannot start a worker thread");
    }
    drop(done_tx);

    // In-order writer with a bounded reorder window (at most `window` chunks are in flight).
    let mut pending: BTreeMap<u64, Answers> = BTreeMap::new();
    let mut next = 0u64;
    for a in done_rx {
        pending.insert(a.seq, a);
        while let Some(a) = pending.remove(&next) {
            stream::or_exit(out.write_all(&a.out));
            if a.flush {
                stream::or_exit(out.flush());
            }
            next += 1;
            // The reader may be gone (end of input); the credit is then not needed.
            let _ = credit_tx.send(());
        }
    }
    // Every worker has ended, so the reader has ended too (it holds the work channel).
    debug_assert!(pending.is_empty());
    match reader.join() {
        Ok(r) => r,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// The reader thread: whole lines in numbered chunks, one credit per chunk.
fn read_chunks(
    input: Box<dyn Read + Send>,
    work: &SyncSender<Chunk>,
    credits: &Receiver<()>,
) -> io::Result<()> {
    let mut lines = LineReader::new(input);
    let mut line = Vec::new();
    let mut d = Dispatch {
        work,
        credits,
        seq: 0,
        chunk: Chunk::new(0),
        unflushed: false,
        closed: false,
    };
    loop {
        let read = lines.next_line(&mut line, &mut || d.input_dry());
        if d.closed {
            return Ok(());
        }
        match read {
            Ok(None) => break,
            Ok(Some(Line::Read)) => {
                let start = d.chunk.bytes.len();
                d.chunk.bytes.extend_from_slice(&line);
                let end = d.chunk.bytes.len();
                d.chunk.items.push(Item::Line(start..end));
            }
            Ok(Some(Line::TooLong(n))) => d.chunk.items.push(Item::TooLong(n)),
            Err(e) => {
                d.send(false);
                return Err(e);
            }
        }
        if d.chunk.items.len() >= CHUNK_LINES || d.chunk.bytes.len() >= CHUNK_BYTES {
            d.send(false);
        }
    }
    d.send(false);
    Ok(())
}

struct Dispatch<'a> {
    work: &'a SyncSender<Chunk>,
    credits: &'a Receiver<()>,
    seq: u64,
    chunk: Chunk,
    /// A chunk was sent since the last one marked `flush`.
    unflushed: bool,
    /// The workers are gone (only after a worker died, which ends the program).
    closed: bool,
}

impl Dispatch<'_> {
    /// The reader is about to wait for input: hand over what was read, to be flushed.
    fn input_dry(&mut self) {
        if !self.chunk.items.is_empty() || self.unflushed {
            self.send(true);
        }
    }

    /// Sends the current chunk (when it has lines, or to carry a flush) once a credit is free.
    fn send(&mut self, flush: bool) {
        if self.closed || (self.chunk.items.is_empty() && !flush) {
            return;
        }
        if self.credits.recv().is_err() {
            self.closed = true;
            return;
        }
        self.seq += 1;
        let mut chunk = std::mem::replace(&mut self.chunk, Chunk::new(self.seq));
        chunk.flush = flush;
        self.unflushed = !flush;
        if self.work.send(chunk).is_err() {
            self.closed = true;
        }
    }
}

impl Chunk {
    fn new(seq: u64) -> Self {
        Chunk {
            seq,
            bytes: Vec::new(),
            items: Vec::new(),
            flush: false,
        }
    }
}

/// Ends the program when a worker thread panics outside a request's isolation (the stream
/// would otherwise wait forever for that worker's chunk); the panic hook has reported it.
struct ExitOnPanic;

impl Drop for ExitOnPanic {
    fn drop(&mut self) {
        if thread::panicking() {
            std::process::exit(101);
        }
    }
}

/// A worker thread: answers chunks until the input ends.
fn work(chunks: &Mutex<Receiver<Chunk>>, done: &SyncSender<Answers>) {
    let _exit = ExitOnPanic;
    loop {
        let next = chunks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .recv();
        let Ok(chunk) = next else { return };
        let mut out = Vec::with_capacity(chunk.bytes.len() / 2 + 64);
        for item in &chunk.items {
            let written = match item {
                Item::Line(r) => crate::write_answer(&chunk.bytes[r.clone()], &mut out),
                Item::TooLong(n) => {
                    serde_json::to_writer(&mut out, &crate::too_long(*n)).map_err(io::Error::from)
                }
            };
            written.expect("a JSON value serializes to memory");
            out.push(b'\n');
        }
        let answers = Answers {
            seq: chunk.seq,
            out,
            flush: chunk.flush,
        };
        if done.send(answers).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that returns at most `step` bytes per read (every read a "wait": many chunks
    /// marked `flush`, some of them empty).
    struct Trickle(Vec<u8>, usize, usize);

    impl Read for Trickle {
        fn read(&mut self, b: &mut [u8]) -> io::Result<usize> {
            let n = (self.0.len() - self.1).min(self.2).min(b.len());
            b[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
            self.1 += n;
            Ok(n)
        }
    }

    /// Counts flushes.
    #[derive(Default)]
    struct Sink(Vec<u8>, usize);

    impl Write for Sink {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            self.1 += 1;
            Ok(())
        }
    }

    #[test]
    fn answers_in_input_order_like_one_job() {
        crate::isolate::install_panic_hook();
        let mut input = Vec::new();
        let mut expected = Vec::new();
        for i in 0..700 {
            // Requests of very different cost, so that chunks finish out of order.
            let line = match i % 5 {
                0 => format!(
                    r#"{{"id":{i},"op":"simplify","expr":"{}"}}"#,
                    (0..40 + i % 60)
                        .map(|k| format!("FloorDiv(x{k} + 8*y, 8)"))
                        .collect::<Vec<_>>()
                        .join(" + ")
                ),
                1 => String::new(),
                2 => "{oops".into(),
                _ => format!(r#"{{"id":{i},"op":"eval","expr":"x*{i}","values":{{"x":3}}}}"#),
            };
            serde_json::to_writer(&mut expected, &crate::answer_line(line.as_bytes())).unwrap();
            expected.push(b'\n');
            input.extend_from_slice(line.as_bytes());
            input.push(b'\n');
        }
        for (jobs, step) in [(2, 1 << 20), (3, 7), (8, 1000)] {
            let mut out = Sink::default();
            let src = Trickle(input.clone(), 0, step);
            batch(Box::new(src), jobs, &mut out).unwrap();
            assert!(out.0 == expected, "jobs {jobs}, reads of {step} bytes");
            if step < 1000 {
                // A flush whenever the input ran dry (not one per line: a 7-byte read often
                // ends no line).
                assert!(out.1 > 100 && out.1 < input.len() / 7 + 2, "{}", out.1);
            }
        }
    }
}
