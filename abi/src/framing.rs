//! Record framing for files and logs: `len: u32 | crc32(payload): u32 | payload`, after a
//! 16-byte file header `magic: [u8; 8] | version: u32 | record_bytes: u32`.
//!
//! A torn tail (a record cut short) and a corrupt record (CRC mismatch, wrong length) are both
//! reported with their byte offset; nothing after the first bad record is read, so a bad
//! record is never misread as a good one.

/// Bytes of framing before each payload.
pub const FRAME_HEADER_BYTES: usize = 8;
/// Bytes of the file header.
pub const FILE_HEADER_BYTES: usize = 16;
/// Magic of a file of order-entry records (payload: arrival_ns u64 ‖ 128-byte message).
pub const ORDERS_MAGIC: [u8; 8] = *b"ORDOORD1";
/// Magic of a file of event records (payload: one 64-byte event).
pub const EVENTS_MAGIC: [u8; 8] = *b"ORDOEVT1";
/// Payload bytes of one record in an orders file.
pub const ORDER_RECORD_BYTES: usize = 8 + crate::ORDER_MESSAGE_BYTES;

/// What went wrong reading framed records.
#[non_exhaustive]
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrameError {
    /// The file is shorter than its header or has a different magic.
    #[error("not an ordo {expected} file (bad or missing header)")]
    BadHeader { expected: &'static str },
    /// The header's version or record size is not the one this build reads.
    #[error("unsupported file version {version} / record size {record_bytes}")]
    Unsupported { version: u32, record_bytes: u32 },
    /// The file ends inside a record.
    #[error("truncated record at byte offset {offset}: need {need} bytes, {have} left")]
    Truncated {
        offset: usize,
        need: usize,
        have: usize,
    },
    /// A record's length field disagrees with the file's record size.
    #[error("bad record length {len} at byte offset {offset} (expected {expected})")]
    BadLength {
        offset: usize,
        len: usize,
        expected: usize,
    },
    /// A record's CRC does not match its payload.
    #[error(
        "crc mismatch at byte offset {offset}: stored {stored:#010x}, computed {computed:#010x}"
    )]
    Crc {
        offset: usize,
        stored: u32,
        computed: u32,
    },
}

/// Append a file header.
pub fn write_file_header(out: &mut Vec<u8>, magic: [u8; 8], record_bytes: usize) {
    out.extend_from_slice(&magic);
    out.extend_from_slice(&u32::from(crate::ABI_VERSION).to_le_bytes());
    out.extend_from_slice(&(record_bytes as u32).to_le_bytes());
}

/// Append one framed record.
pub fn write_frame(out: &mut Vec<u8>, payload: &[u8]) {
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(payload);
}

/// Reads framed records of one fixed size from a byte slice.
pub struct FrameReader<'a> {
    bytes: &'a [u8],
    offset: usize,
    record_bytes: usize,
    failed: bool,
}

impl<'a> FrameReader<'a> {
    /// Check the file header and position at the first record.
    pub fn new(
        bytes: &'a [u8],
        magic: [u8; 8],
        record_bytes: usize,
        expected: &'static str,
    ) -> Result<FrameReader<'a>, FrameError> {
        if bytes.len() < FILE_HEADER_BYTES || bytes[..8] != magic {
            return Err(FrameError::BadHeader { expected });
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().unwrap());
        let size = u32::from_le_bytes(bytes[12..16].try_into().unwrap());
        if version != u32::from(crate::ABI_VERSION) || size as usize != record_bytes {
            return Err(FrameError::Unsupported {
                version,
                record_bytes: size,
            });
        }
        Ok(FrameReader {
            bytes,
            offset: FILE_HEADER_BYTES,
            record_bytes,
            failed: false,
        })
    }

    /// Byte offset of the next record.
    pub fn offset(&self) -> usize {
        self.offset
    }

    fn read_one(&mut self) -> Result<(usize, &'a [u8]), FrameError> {
        let offset = self.offset;
        let have = self.bytes.len() - offset;
        if have < FRAME_HEADER_BYTES {
            return Err(FrameError::Truncated {
                offset,
                need: FRAME_HEADER_BYTES,
                have,
            });
        }
        let len = u32::from_le_bytes(self.bytes[offset..offset + 4].try_into().unwrap()) as usize;
        if len != self.record_bytes {
            return Err(FrameError::BadLength {
                offset,
                len,
                expected: self.record_bytes,
            });
        }
        let need = FRAME_HEADER_BYTES + len;
        if have < need {
            return Err(FrameError::Truncated { offset, need, have });
        }
        let stored = u32::from_le_bytes(self.bytes[offset + 4..offset + 8].try_into().unwrap());
        let payload = &self.bytes[offset + FRAME_HEADER_BYTES..offset + need];
        let computed = crc32fast::hash(payload);
        if stored != computed {
            return Err(FrameError::Crc {
                offset,
                stored,
                computed,
            });
        }
        self.offset += need;
        Ok((offset, payload))
    }
}

impl<'a> Iterator for FrameReader<'a> {
    /// (byte offset of the record, payload)
    type Item = Result<(usize, &'a [u8]), FrameError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.offset == self.bytes.len() {
            return None;
        }
        let result = self.read_one();
        self.failed = result.is_err();
        Some(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(records: &[[u8; 4]]) -> Vec<u8> {
        let mut out = Vec::new();
        write_file_header(&mut out, EVENTS_MAGIC, 4);
        for r in records {
            write_frame(&mut out, r);
        }
        out
    }

    #[test]
    fn reads_back_what_was_written() {
        let bytes = file(&[[1, 2, 3, 4], [5, 6, 7, 8]]);
        let got: Vec<_> = FrameReader::new(&bytes, EVENTS_MAGIC, 4, "events")
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(
            got,
            vec![(16, &[1u8, 2, 3, 4][..]), (28, &[5u8, 6, 7, 8][..])]
        );
    }

    #[test]
    fn every_torn_tail_is_detected() {
        // Proves that cutting the file at any byte inside the last record yields Truncated at
        // that record's offset, after the intact records.
        let bytes = file(&[[1, 2, 3, 4], [5, 6, 7, 8]]);
        for cut in 29..bytes.len() {
            let results: Vec<_> = FrameReader::new(&bytes[..cut], EVENTS_MAGIC, 4, "events")
                .unwrap()
                .collect();
            assert_eq!(results.len(), 2);
            assert!(matches!(
                results[1],
                Err(FrameError::Truncated { offset: 28, .. })
            ));
        }
    }

    #[test]
    fn every_flipped_bit_is_detected() {
        // Proves a single flipped bit in any record byte is an error, never a different payload.
        let bytes = file(&[[1, 2, 3, 4]]);
        for at in 16..bytes.len() {
            for bit in 0..8 {
                let mut b = bytes.clone();
                b[at] ^= 1 << bit;
                let first = FrameReader::new(&b, EVENTS_MAGIC, 4, "events")
                    .unwrap()
                    .next();
                assert!(matches!(first, Some(Err(_))), "byte {at} bit {bit}");
            }
        }
    }

    #[test]
    fn wrong_magic_or_size_is_refused() {
        let bytes = file(&[]);
        assert!(FrameReader::new(&bytes, ORDERS_MAGIC, 4, "orders").is_err());
        assert!(FrameReader::new(&bytes, EVENTS_MAGIC, 8, "events").is_err());
        assert!(FrameReader::new(&bytes[..10], EVENTS_MAGIC, 4, "events").is_err());
    }
}
