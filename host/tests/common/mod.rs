//! What the binary's test files share: a scratch directory, running `ordo`, reading its
//! output, and the "failed cleanly" check.

// Each test file is its own crate and uses a different part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

pub const ORDO: &str = env!("CARGO_BIN_EXE_ordo");

/// A scratch directory under the system temp dir, removed on drop.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "ordo-{}-test-{}-{unique}-{name}",
            env!("CARGO_CRATE_NAME"),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch(dir)
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }

    pub fn write(&self, file: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(file);
        std::fs::write(&path, contents).expect("write scratch file");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn ordo<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(ORDO)
        .args(args)
        .output()
        .expect("run the ordo binary")
}

pub fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The command failed cleanly: exit 1 (not a panic), an `ordo: error:` message on stderr
/// containing every needle, and no panic message. Returns stderr.
pub fn failed(out: &Output, needles: &[&str]) -> String {
    let err = stderr(out);
    assert!(
        !out.status.success(),
        "expected failure, got success; stdout: {}",
        stdout(out)
    );
    assert!(!err.contains("panicked"), "ordo panicked: {err}");
    assert_eq!(out.status.code(), Some(1), "exit status; stderr: {err}");
    assert!(err.contains("ordo: error:"), "no error message: {err}");
    for needle in needles {
        assert!(err.contains(needle), "stderr lacks `{needle}`: {err}");
    }
    err
}
