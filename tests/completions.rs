//! `hookscope completions`: the generated script, run in the shell it is for.

use std::process::Command;

/// Completes `words` (the last one being typed) with the bash script the
/// binary prints, the way bash's programmable completion calls it.
fn bash_completions(words: &[&str]) -> Vec<String> {
    let script = Command::new(env!("CARGO_BIN_EXE_hookscope"))
        .args(["completions", "bash"])
        .output()
        .expect("binary runs");
    assert!(script.status.success());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("hookscope.bash");
    std::fs::write(&path, &script.stdout).expect("write script");
    let line = words.join(" ");
    let driver = format!(
        r#"source {script}
COMP_WORDS=({line})
COMP_CWORD={cword}
COMP_LINE="{line}"
COMP_POINT=${{#COMP_LINE}}
_hookscope hookscope "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        script = path.display(),
        cword = words.len() - 1,
    );
    let out = Command::new("bash")
        .args(["--norc", "-c", &driver])
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_subcommands_and_their_flags() {
    let commands = bash_completions(&["hookscope", "s"]);
    for want in ["show", "send"] {
        assert!(commands.iter().any(|c| c == want), "{commands:?}");
    }
    assert!(!commands.iter().any(|c| c == "ls"), "{commands:?}");

    let flags = bash_completions(&["hookscope", "ls", "--"]);
    for want in ["--json", "--filter", "--limit", "--db"] {
        assert!(flags.iter().any(|c| c == want), "{flags:?}");
    }
}

#[test]
fn every_shell_clap_knows_gets_a_script_and_others_a_clear_error() {
    for shell in ["bash", "elvish", "fish", "powershell", "zsh"] {
        let out = Command::new(env!("CARGO_BIN_EXE_hookscope"))
            .args(["completions", shell])
            .output()
            .expect("binary runs");
        assert!(out.status.success(), "{shell}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("hookscope"),
            "{shell}"
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_hookscope"))
        .args(["completions", "tcsh"])
        .output()
        .expect("binary runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("possible values: bash"));
}
