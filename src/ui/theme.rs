//! The colours in use: the config file's `[colors]` as styles, installed
//! once at start-up. Under `NO_COLOR` they keep their attributes (bold,
//! reversed…) and lose every colour.

use std::sync::OnceLock;

use ratatui::style::{Color, Modifier, Style};

use crate::config::{Colors, Colour, Paint};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Rows that may purge within 24 hours, or are past it; PRODUCTION.
    pub urgent: Style,
    /// Rows that may purge within 72 hours.
    pub soon: Style,
    /// The title, top left.
    pub header: Style,
    /// A marked row's `*`, and the count of them.
    pub marks: Style,
    /// What the filter matched in a name.
    pub highlight: Style,
}

impl Default for Theme {
    fn default() -> Theme {
        Theme::new(&Colors::default(), false)
    }
}

impl Theme {
    /// `colors` as styles; `no_color` drops every colour from them.
    pub fn new(colors: &Colors, no_color: bool) -> Theme {
        let style = |paint: &Paint| {
            let style = style(paint);
            if no_color {
                Style {
                    fg: None,
                    bg: None,
                    underline_color: None,
                    ..style
                }
            } else {
                style
            }
        };
        Theme {
            urgent: style(&colors.urgent),
            soon: style(&colors.soon),
            header: style(&colors.header),
            marks: style(&colors.marks),
            highlight: style(&colors.highlight),
        }
    }
}

/// `NO_COLOR`, set and not empty (<https://no-color.org>).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

static ACTIVE: OnceLock<Theme> = OnceLock::new();

/// Makes `theme` the one drawing uses; once, before the first frame.
/// Gives it back when one is already in use.
pub fn install(theme: Theme) -> Result<(), Theme> {
    ACTIVE.set(theme)
}

/// The theme installed, else the default colours.
pub fn active() -> &'static Theme {
    ACTIVE.get_or_init(Theme::default)
}

fn style(paint: &Paint) -> Style {
    let mut style = Style::new();
    if let Some(fg) = paint.fg {
        style = style.fg(color(fg));
    }
    if let Some(bg) = paint.bg {
        style = style.bg(color(bg));
    }
    for (on, modifier) in [
        (paint.bold, Modifier::BOLD),
        (paint.dim, Modifier::DIM),
        (paint.italic, Modifier::ITALIC),
        (paint.underlined, Modifier::UNDERLINED),
        (paint.reversed, Modifier::REVERSED),
    ] {
        if on {
            style = style.add_modifier(modifier);
        }
    }
    style
}

/// The 16 names are the terminal's own colours, as `Color::Red` is.
fn color(colour: Colour) -> Color {
    const NAMED: [Color; 16] = [
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
        Color::DarkGray,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightCyan,
        Color::White,
    ];
    match colour {
        Colour::Named(i) => NAMED.get(usize::from(i)).copied().unwrap_or(Color::Reset),
        Colour::Indexed(i) => Color::Indexed(i),
        Colour::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_theme_is_the_colours_reprieve_always_had() {
        let theme = Theme::default();
        assert_eq!(theme.urgent, Style::new().fg(Color::Red));
        assert_eq!(theme.soon, Style::new().fg(Color::Yellow));
        assert_eq!(theme.header, Style::new().bold().reversed());
        assert_eq!(theme.marks, Style::new().bold());
        assert_eq!(
            theme.highlight,
            Style::new().fg(Color::Yellow).bold().underlined()
        );
    }
}
