//! The config file as reprieve reads it: every section takes effect, every
//! mistake is reported at its line and column, and the default file that
//! `reprieve config --default` prints changes nothing.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier, Style};
use reprieve::app::{Action, Mode, Msg};
use reprieve::config::{self, Config, Place};
use reprieve::keys::{self, Keymap};
use reprieve::ui::Theme;

const PATH: &str = "/home/op/.config/reprieve/config.toml";

fn read(text: &str) -> Config {
    config::parse(text, Path::new(PATH)).unwrap_or_else(|e| panic!("{e}"))
}

/// The mistake in `text`, as reprieve reports it: after reading, and after
/// laying `[keys]` over the keymap.
fn mistake(text: &str) -> config::Error {
    match config::parse(text, Path::new(PATH)) {
        Err(e) => e,
        Ok(config) => match Keymap::with(&config.keys) {
            Err(problem) => config.error(problem),
            Ok(_) => panic!("no mistake found in:\n{text}"),
        },
    }
}

fn press(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

fn typed(c: char) -> Event {
    press(KeyCode::Char(c), KeyModifiers::NONE)
}

fn action(keymap: &Keymap, mode: &Mode, event: &Event) -> Option<Action> {
    match keymap.map(mode, event) {
        Some(Msg::Action(a)) => Some(a),
        _ => None,
    }
}

const EVERY_SECTION: &str = r##"
[defaults]
profiles = ["prod", "staging"]
regions = "eu-west-1"
utc = true
read_only = true
audit_log = "/var/log/reprieve/audit.jsonl"

[keys]
restore = "x"
refresh = ["ctrl-r", "f5"]

[colors]
urgent = "bold light-red"
soon = "#ff8800"
header = "black on cyan"
marks = "208 underlined"
highlight = "magenta"

[accounts]
"123456789012" = "prod-payments"
"210987654321" = "staging"
production = ["123456789012"]
"##;

#[test]
fn defaults_are_read_as_the_flags_would_give_them() {
    let d = read(EVERY_SECTION).defaults;
    assert_eq!(d.profiles, ["prod", "staging"]);
    assert_eq!(d.regions, ["eu-west-1"], "one region, not in a list");
    assert!(d.utc);
    assert!(d.read_only);
    assert_eq!(
        d.audit_log,
        Some(PathBuf::from("/var/log/reprieve/audit.jsonl"))
    );
    // Left out, each is the built-in default.
    assert_eq!(read("[defaults]\n").defaults, config::Defaults::default());
    assert_eq!(read(""), read("[defaults]\n[keys]\n[colors]\n[accounts]\n"));
}

#[test]
fn a_rebound_action_answers_to_its_new_keys_and_not_its_old_one() {
    let keymap = Keymap::with(&read(EVERY_SECTION).keys).unwrap();
    let list = Mode::List;
    assert_eq!(action(&keymap, &list, &typed('x')), Some(Action::Restore));
    assert_eq!(action(&keymap, &list, &typed('r')), None, "r is free now");
    let ctrl_r = press(KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert_eq!(action(&keymap, &list, &ctrl_r), Some(Action::Refresh));
    let f5 = press(KeyCode::F(5), KeyModifiers::NONE);
    assert_eq!(action(&keymap, &list, &f5), Some(Action::Refresh));
    assert_eq!(action(&keymap, &list, &typed('R')), None);
    // Everything else is as it was.
    assert_eq!(action(&keymap, &list, &typed('q')), Some(Action::Quit));
    assert_eq!(
        action(&keymap, &list, &typed('/')),
        Some(Action::OpenFilter)
    );
    // The filter line still types the letters the list now acts on.
    assert_eq!(
        keymap.map(&Mode::Filter, &typed('x')),
        Some(Msg::FilterEdit(tui_input::InputRequest::InsertChar('x')))
    );
}

#[test]
fn colours_are_read_into_the_styles_drawn() {
    let theme = Theme::new(&read(EVERY_SECTION).colors, false);
    assert_eq!(theme.urgent, Style::new().fg(Color::LightRed).bold());
    assert_eq!(theme.soon, Style::new().fg(Color::Rgb(0xff, 0x88, 0)));
    assert_eq!(theme.header, Style::new().fg(Color::Black).bg(Color::Cyan));
    assert_eq!(
        theme.marks,
        Style::new().fg(Color::Indexed(208)).underlined()
    );
    assert_eq!(theme.highlight, Style::new().fg(Color::Magenta));
}

#[test]
fn no_color_takes_every_colour_out_and_keeps_bold_and_the_rest() {
    let theme = Theme::new(&read(EVERY_SECTION).colors, true);
    assert_eq!(theme.urgent, Style::new().bold());
    assert_eq!(theme.soon, Style::new());
    assert_eq!(theme.header, Style::new());
    assert_eq!(theme.highlight, Style::new());
    let default = Theme::new(&config::Colors::default(), true);
    assert_eq!(default.header, Style::new().bold().reversed());
    assert!(
        default
            .highlight
            .add_modifier
            .contains(Modifier::UNDERLINED)
    );
}

#[test]
fn accounts_are_named_and_production_is_kept() {
    let accounts = read(EVERY_SECTION).accounts;
    assert_eq!(accounts.names["123456789012"], "prod-payments");
    assert_eq!(accounts.names["210987654321"], "staging");
    assert_eq!(accounts.production, ["123456789012"]);
    assert_eq!(
        accounts.shown("123456789012"),
        "prod-payments (123456789012)"
    );
    assert_eq!(accounts.shown("111122223333"), "111122223333");
}

/// The error's text starts `file:line:column: `.
fn assert_at(e: &config::Error, line: usize, column: usize, says: &str) {
    assert_eq!(e.at, Some(Place { line, column }), "{e}");
    let text = e.to_string();
    assert!(
        text.starts_with(&format!("{PATH}:{line}:{column}: ")),
        "{text}"
    );
    assert!(text.contains(says), "{text}");
}

#[test]
fn an_unknown_key_is_reported_at_its_line_and_column() {
    let e = mistake("[defaults]\nutc = true\n  colour = 1\n");
    assert_at(&e, 3, 3, "unknown field `colour`");
    // The ones it could have been are named.
    assert!(e.message.contains("`read_only`"), "{e}");
    let e = mistake("[colours]\nurgent = \"red\"\n");
    // At the name, inside the brackets.
    assert_at(&e, 1, 2, "unknown field `colours`");
    let e = mistake("[colors]\nurgent = \"red\"\nsoonish = \"red\"\n");
    assert_at(&e, 3, 1, "unknown field `soonish`");
    let e = mistake("[keys]\nrestore = \"x\"\nrestor = \"y\"\n");
    assert_at(&e, 3, 1, "unknown action `restor`");
    assert!(e.message.contains("did you mean `restore`?"), "{e}");
}

#[test]
fn a_bad_value_is_reported_where_it_is_written() {
    let cases: [(&str, usize, usize, &str); 8] = [
        (
            "[colors]\nhighlight = \"purplish\"\n",
            2,
            13,
            "`purplish` is not a colour",
        ),
        (
            "[keys]\nrestore = \"hyper-x\"\n",
            2,
            11,
            "`hyper-x` is not a key",
        ),
        (
            "[keys]\nrestore = [\"x\", \"enterr\"]\n",
            2,
            17,
            "`enterr` is not a key",
        ),
        (
            "[defaults]\nregions = [\"EU-WEST-1\"]\n",
            2,
            12,
            "not a valid region name",
        ),
        ("[defaults]\nutc = \"yes\"\n", 2, 7, "invalid type"),
        ("[defaults]\nprofiles = [\"\"]\n", 2, 13, "cannot be empty"),
        (
            "[accounts]\n\"12345\" = \"short\"\n",
            2,
            1,
            "is not an account id",
        ),
        (
            "[accounts]\n\"123456789012\" = \"two words\"\n",
            2,
            18,
            "one word",
        ),
    ];
    for (text, line, column, says) in cases {
        assert_at(&mistake(text), line, column, says);
    }
    let e = mistake("[defaults\n");
    assert!(e.at.is_some_and(|p| p.line == 1), "{e}");
    let e = mistake("[filter]\n");
    assert_at(&e, 1, 2, "unknown field `filter`");
}

#[test]
fn two_actions_on_one_key_of_one_screen_is_a_mistake_naming_both() {
    let e = mistake("[keys]\nrestore = \"x\"\nrefresh = [\"f5\", \"x\"]\n");
    assert_at(&e, 3, 1, "`x` is bound to both restore and refresh");
    // A key another action has by default clashes too.
    let e = mistake("[keys]\nrestore = \"q\"\n");
    assert_at(&e, 2, 1, "`q` is bound to both restore and quit");
    // On different screens one key is fine.
    let config = read("[keys]\nrestore = \"x\"\nconfirm_restore = \"x\"\n");
    let keymap = Keymap::with(&config.keys).unwrap();
    assert_eq!(
        action(&keymap, &Mode::List, &typed('x')),
        Some(Action::Restore)
    );
    // Moving the old key on frees it for another action.
    let config = read("[keys]\nrestore = \"x\"\nrefresh = \"r\"\n");
    assert!(Keymap::with(&config.keys).is_ok());
}

#[test]
fn keys_the_filter_line_types_with_cannot_be_bound_there() {
    let e = mistake("[keys]\nfilter_keep = \"a\"\n");
    assert_at(&e, 2, 1, "types or edits the text");
    let e = mistake("[keys]\nrestore = []\n");
    assert_at(&e, 2, 1, "needs at least one key");
}

#[test]
fn the_default_file_reads_back_as_the_built_in_defaults() {
    let text = config::default_text(&keys::documented());
    let config = read(&text);
    assert_eq!(
        config,
        Config {
            path: Some(PATH.into()),
            keys: config.keys.clone(),
            ..Config::default()
        },
        "everything but [keys] is the default"
    );
    // Every action is in it, each with the keys it has today.
    assert_eq!(config.keys.len(), keys::KEYMAP.len());
    assert_eq!(Keymap::with(&config.keys).unwrap(), Keymap::defaults());
    assert_eq!(Theme::new(&config.colors, false), Theme::default());
    // It tells what it is and how to use it.
    for section in ["[defaults]", "[keys]", "[colors]", "[accounts]"] {
        assert!(text.contains(section), "{section}");
    }
    assert!(text.contains("restore = \"r\""), "{text}");
    assert!(text.contains("# \"123456789012\" = \"prod-payments\""));
}

/// The sources pane's keys are in the default file and can be moved like
/// any other.
#[test]
fn the_sources_panes_failing_only_key_is_listed_and_can_be_rebound() {
    let text = config::default_text(&keys::documented());
    assert!(text.contains("sources_failing = \"f\" "), "{text}");
    assert!(text.contains("sources_bottom = [\"end\", \"G\"]"), "{text}");
    let keymap = Keymap::with(&read("[keys]\nsources_failing = \"!\"\n").keys).unwrap();
    let pane = Mode::Sources;
    assert_eq!(
        action(&keymap, &pane, &typed('!')),
        Some(Action::FailingOnly)
    );
    assert_eq!(action(&keymap, &pane, &typed('f')), None);
    let end = press(KeyCode::End, KeyModifiers::NONE);
    assert_eq!(action(&keymap, &pane, &end), Some(Action::Bottom));
    // Its keys are its own screen's: `f` in the list is still free.
    assert_eq!(action(&keymap, &Mode::List, &typed('f')), None);
}

#[test]
fn the_file_is_found_by_flag_then_environment_then_xdg_then_home() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| std::ffi::OsString::from(v))
        }
    };
    let all: &[(&str, &str)] = &[
        ("REPRIEVE_CONFIG", "/etc/reprieve.toml"),
        ("XDG_CONFIG_HOME", "/xdg"),
        ("HOME", "/home/op"),
    ];
    let at = |flag: Option<&str>, vars| config::locate_with(flag.map(Path::new), env(vars));
    let flag = at(Some("./mine.toml"), all).unwrap();
    assert_eq!((flag.path, flag.named), ("./mine.toml".into(), true));
    let var = at(None, all).unwrap();
    assert_eq!((var.path, var.named), ("/etc/reprieve.toml".into(), true));
    let xdg = at(None, &all[1..]).unwrap();
    assert_eq!(
        (xdg.path, xdg.named),
        ("/xdg/reprieve/config.toml".into(), false)
    );
    let home = at(None, &all[2..]).unwrap();
    assert_eq!(
        home.path,
        PathBuf::from("/home/op/.config/reprieve/config.toml")
    );
    // Set but empty counts as not set.
    let empty = at(None, &[("XDG_CONFIG_HOME", ""), ("HOME", "/home/op")]).unwrap();
    assert_eq!(empty.path, home.path);
    assert!(at(None, &[]).is_none());
}

#[test]
fn a_missing_file_is_the_defaults_unless_it_was_named() {
    let path = PathBuf::from("/nonexistent/reprieve/config.toml");
    let found = config::Location {
        path: path.clone(),
        named: false,
    };
    assert_eq!(config::load(&found).unwrap(), Config::default());
    let named = config::Location { path, named: true };
    let e = config::load(&named).unwrap_err();
    assert!(e.to_string().contains("no such file"), "{e}");
}

#[test]
fn the_readmes_example_is_a_file_reprieve_reads() {
    let readme = include_str!("../README.md");
    let section = readme.split("## Config file").nth(1).unwrap();
    let example = section
        .split("```toml\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .unwrap();
    let config = read(example);
    Keymap::with(&config.keys).unwrap();
    assert_eq!(config.accounts.production, ["123456789012"]);
}
