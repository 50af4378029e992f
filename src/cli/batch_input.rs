//! The input of `queue --batch`: lines of at most [`MAX_BATCH_LINE`]
//! bytes from a file, a named pipe or stdin, read with bounded memory
//! however long a line or the input is.

use std::io::{BufRead, BufReader, Read};

/// Where batch lines come from: a file (whose holes can be jumped) or a
/// stream.
pub enum Input {
    File(std::fs::File),
    Other(Box<dyn Read>),
}

impl Read for Input {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Input::File(file) => file.read(buf),
            Input::Other(other) => other.read(buf),
        }
    }
}

/// The longest batch line read (a problem is a few hundred bytes); the
/// rest of a longer line is skipped, so memory stays bounded whatever the
/// input (a 2 GB file of NULs, a line that never ends).
pub const MAX_BATCH_LINE: usize = 1 << 20;

/// One line of a batch: its bytes (at most [`MAX_BATCH_LINE`]) and whether
/// it was longer; `None` at the end of the input.
pub fn next_line(
    reader: &mut BufReader<Input>,
    line: &mut Vec<u8>,
) -> std::io::Result<Option<bool>> {
    line.clear();
    // std's read_until and skip_until find the newline with memchr: a
    // line of gigabytes is skipped at memory speed, and never held.
    let read = retry(|| reader.by_ref().take(MAX_BATCH_LINE as u64 + 1).read_until(b'\n', line))?;
    if read == 0 {
        return Ok(None);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        return Ok(Some(false));
    }
    if line.len() <= MAX_BATCH_LINE {
        return Ok(Some(false)); // the last line, without a newline
    }
    line.truncate(MAX_BATCH_LINE);
    skip_rest(reader)?;
    Ok(Some(true))
}

/// A read retried while a signal interrupts it.
fn retry(mut read: impl FnMut() -> std::io::Result<usize>) -> std::io::Result<usize> {
    loop {
        match read() {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// The rest of a too-long line skipped. Where the buffer holds no
/// newline and the input is a file, the hole that follows is jumped
/// (SEEK_DATA): a hole reads as NULs, never a newline, so a sparse 2 GB
/// file costs its data, not its size.
fn skip_rest(reader: &mut BufReader<Input>) -> std::io::Result<()> {
    loop {
        let buffer = match reader.fill_buf() {
            Ok(buffer) => buffer,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buffer.is_empty() {
            return Ok(());
        }
        if buffer.contains(&b'\n') {
            retry(|| reader.skip_until(b'\n'))?;
            return Ok(());
        }
        let all = buffer.len();
        reader.consume(all);
        // The buffer is empty: the file's own offset is where reading resumes.
        if let Input::File(file) = reader.get_mut() {
            skip_hole(file);
        }
    }
}

/// Moves a file's offset past the hole it is in, if it is in one. A pipe,
/// a file system without holes or any failure leaves the offset as it is.
#[cfg(target_os = "linux")]
fn skip_hole(file: &std::fs::File) {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: lseek on a file descriptor we own; it moves only its offset.
    unsafe {
        let here = libc::lseek(fd, 0, libc::SEEK_CUR);
        if here < 0 {
            return;
        }
        if libc::lseek(fd, here, libc::SEEK_DATA) < 0 {
            // No data after `here` (ENXIO): the rest of the file is a hole.
            if std::io::Error::last_os_error().raw_os_error() == Some(libc::ENXIO) {
                libc::lseek(fd, 0, libc::SEEK_END);
            } else {
                libc::lseek(fd, here, libc::SEEK_SET);
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn skip_hole(_file: &std::fs::File) {}
