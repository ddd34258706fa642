//! Colour, as cargo does it: ANSI styles only on a terminal (or with `--color always`).

use std::io::IsTerminal;

/// `--color`: when to colour the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when the stream is a terminal (and `NO_COLOR` is not set).
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The styles of one output stream.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    on: bool,
}

const RESET: &str = "\x1b[0m";

impl Style {
    /// The styles for stderr under `choice`.
    pub fn stderr(choice: ColorChoice) -> Style {
        Style::new(choice, std::io::stderr().is_terminal())
    }

    /// The styles for stdout under `choice`.
    pub fn stdout(choice: ColorChoice) -> Style {
        Style::new(choice, std::io::stdout().is_terminal())
    }

    fn new(choice: ColorChoice, terminal: bool) -> Style {
        let on = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none(),
        };
        Style { on }
    }

    /// True when this stream is coloured.
    pub fn is_on(self) -> bool {
        self.on
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}{RESET}")
        } else {
            text.to_owned()
        }
    }

    /// Bold red (`error`).
    pub fn error(self, text: &str) -> String {
        self.paint("1;31", text)
    }

    /// Bold yellow (`warning`).
    pub fn warning(self, text: &str) -> String {
        self.paint("1;33", text)
    }

    /// Bold green (status verbs: `Checking`, `Fixed`).
    pub fn status(self, text: &str) -> String {
        self.paint("1;32", text)
    }

    /// Bold cyan (`Would fix`).
    pub fn note(self, text: &str) -> String {
        self.paint("1;36", text)
    }

    /// Green (diff additions).
    pub fn added(self, text: &str) -> String {
        self.paint("32", text)
    }

    /// Red (diff removals).
    pub fn removed(self, text: &str) -> String {
        self.paint("31", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_and_always() {
        assert_eq!(Style::new(ColorChoice::Never, true).error("e"), "e");
        assert_eq!(
            Style::new(ColorChoice::Always, false).error("e"),
            "\x1b[1;31me\x1b[0m"
        );
        assert_eq!(Style::new(ColorChoice::Auto, false).status("b"), "b");
    }
}
