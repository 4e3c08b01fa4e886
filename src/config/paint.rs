//! Colours as the config file writes them: `red`, `bold yellow`,
//! `#ff8800 on 236`. Our own type, so this module needs no ratatui; `ui`
//! turns it into a style.

use std::fmt;
use std::str::FromStr;

/// A foreground, a background and text attributes; anything left out is
/// the terminal's own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Paint {
    pub fg: Option<Colour>,
    pub bg: Option<Colour>,
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub underlined: bool,
    pub reversed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    /// One of the terminal's 16 (`NAMES`, in ANSI order).
    Named(u8),
    /// 0–255 of the 256-colour palette.
    Indexed(u8),
    Rgb(u8, u8, u8),
}

/// The 16 colours every terminal has, in ANSI order.
pub const NAMES: [&str; 16] = [
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "dark-gray",
    "light-red",
    "light-green",
    "light-yellow",
    "light-blue",
    "light-magenta",
    "light-cyan",
    "white",
];

const ATTRIBUTES: [&str; 5] = ["bold", "dim", "italic", "underlined", "reversed"];

impl Paint {
    pub const fn fg(colour: Colour) -> Paint {
        Paint {
            fg: Some(colour),
            bg: None,
            bold: false,
            dim: false,
            italic: false,
            underlined: false,
            reversed: false,
        }
    }

    pub const fn bold(self) -> Paint {
        Paint { bold: true, ..self }
    }

    pub const fn underlined(self) -> Paint {
        Paint {
            underlined: true,
            ..self
        }
    }

    pub const fn reversed(self) -> Paint {
        Paint {
            reversed: true,
            ..self
        }
    }
}

impl Colour {
    pub const RED: Colour = Colour::Named(1);
    pub const YELLOW: Colour = Colour::Named(3);
}

impl FromStr for Colour {
    type Err = String;

    fn from_str(s: &str) -> Result<Colour, String> {
        // `light_red`, `LightRed` and `grey` read as `light-red` and `gray`.
        let name = s
            .to_ascii_lowercase()
            .replace('_', "-")
            .replace("grey", "gray");
        let name = match name.as_str() {
            "darkgray" => "dark-gray".to_owned(),
            n if n.starts_with("light") && !n.starts_with("light-") => {
                format!("light-{}", &n["light".len()..])
            }
            _ => name,
        };
        if let Some(i) = NAMES.iter().position(|n| *n == name) {
            return Ok(Colour::Named(i as u8));
        }
        if let Some(hex) = s.strip_prefix('#')
            && hex.len() == 6
            && hex.chars().all(|c| c.is_ascii_hexdigit())
        {
            let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
            return Ok(Colour::Rgb(byte(0), byte(2), byte(4)));
        }
        s.parse::<u8>().map(Colour::Indexed).map_err(|_| {
            format!(
                "`{}` is not a colour: write a name (red, light-blue, dark-gray…), \
                 #rrggbb or 0–255",
                crate::text::sanitize(s)
            )
        })
    }
}

impl FromStr for Paint {
    type Err = String;

    fn from_str(s: &str) -> Result<Paint, String> {
        let mut paint = Paint::default();
        let mut words = s.split_whitespace();
        while let Some(word) = words.next() {
            let slot = match word.to_ascii_lowercase().as_str() {
                "bold" => &mut paint.bold,
                "dim" => &mut paint.dim,
                "italic" => &mut paint.italic,
                "underlined" | "underline" => &mut paint.underlined,
                "reversed" | "reverse" => &mut paint.reversed,
                "on" => {
                    let colour = words
                        .next()
                        .ok_or("`on` needs a colour after it: `white on red`")?;
                    paint.bg = Some(colour.parse()?);
                    continue;
                }
                _ if paint.fg.is_some() => {
                    return Err(format!(
                        "`{}`: one colour, then `on` a background, and any of {}",
                        crate::text::sanitize(s),
                        ATTRIBUTES.join(", ")
                    ));
                }
                _ => {
                    paint.fg = Some(
                        word.parse()
                            .map_err(|e| format!("{e}, or one of {}", ATTRIBUTES.join(", ")))?,
                    );
                    continue;
                }
            };
            *slot = true;
        }
        Ok(paint)
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Colour::Named(i) => f.write_str(NAMES.get(usize::from(i)).copied().unwrap_or("white")),
            Colour::Indexed(i) => write!(f, "{i}"),
            Colour::Rgb(r, g, b) => write!(f, "#{r:02x}{g:02x}{b:02x}"),
        }
    }
}

/// `bold yellow on blue`: attributes, the colour, its background.
impl fmt::Display for Paint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let flags = [
            self.bold,
            self.dim,
            self.italic,
            self.underlined,
            self.reversed,
        ];
        let mut words: Vec<String> = ATTRIBUTES
            .iter()
            .zip(flags)
            .filter(|&(_, on)| on)
            .map(|(name, _)| (*name).to_owned())
            .collect();
        if let Some(fg) = self.fg {
            words.push(fg.to_string());
        }
        if let Some(bg) = self.bg {
            words.push(format!("on {bg}"));
        }
        f.write_str(&words.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paint(s: &str) -> Paint {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn names_numbers_and_hex_are_colours() {
        assert_eq!(paint("red"), Paint::fg(Colour::RED));
        assert_eq!(paint("yellow bold"), Paint::fg(Colour::YELLOW).bold());
        assert_eq!(paint("LightBlue").fg, Some(Colour::Named(12)));
        assert_eq!(paint("dark_grey").fg, Some(Colour::Named(8)));
        assert_eq!(paint("208").fg, Some(Colour::Indexed(208)));
        let p = paint("#FF8800 on 236 underlined");
        assert_eq!(p.fg, Some(Colour::Rgb(255, 136, 0)));
        assert_eq!(p.bg, Some(Colour::Indexed(236)));
        assert!(p.underlined && !p.bold);
        assert_eq!(paint(""), Paint::default());
        for bad in ["reddish", "red blue", "#ff88", "256", "on", "bold on"] {
            assert!(bad.parse::<Paint>().is_err(), "{bad}");
        }
    }

    #[test]
    fn paints_are_written_as_they_are_read() {
        for s in ["red", "bold reversed", "bold yellow", "#ff8800 on 236", ""] {
            assert_eq!(paint(s).to_string(), s);
        }
    }
}
