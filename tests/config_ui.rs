//! The dashboard drawn with a config file's keys, colours and account
//! names, into ratatui's TestBackend. The keymap and colours are installed
//! once for the process, as `main` does, so every test here shares them.
#![allow(clippy::unwrap_used)]

mod fixtures;

use std::path::Path;
use std::sync::Once;

use fixtures::*;
use jiff::tz::TimeZone;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use reprieve::app::{Action, Mode, Msg, Source, State, update};
use reprieve::keys::{self, Keymap};
use reprieve::store::{Arn, Identity, PendingSecret};
use reprieve::ui::{Theme, theme};

const CONFIG: &str = r#"
[keys]
restore = "x"
help = "f1"

[colors]
highlight = "bold underlined magenta"
urgent = "light-red"

[accounts]
"123456789012" = "prod-payments"
"#;

const PROD: &str = "123456789012";
const STAGING: &str = "210987654321";

/// The config above, installed as `main` installs it.
fn configured() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let config = reprieve::config::parse(CONFIG, Path::new("config.toml")).unwrap();
        keys::install(Keymap::with(&config.keys).unwrap()).unwrap();
        theme::install(Theme::new(&config.colors, false)).unwrap();
    });
}

fn source(profile: &str) -> Source {
    Source {
        label: format!("us-east-1 · profile {profile}"),
        profile: Some(profile.into()),
        region: Some("us-east-1".into()),
        endpoint_url: None,
        org: None,
    }
}

fn secret_of(account: &str, name: &str, hours: f64) -> PendingSecret {
    let mut s = secret(name, hours);
    s.arn = Arn::new(format!(
        "arn:aws:secretsmanager:us-east-1:{account}:secret:{name}-AbCdEf"
    ));
    s
}

/// Two sources, prod and staging, each identified and listed; `production`
/// as the config's `[accounts]` would give it.
fn two_accounts(production: &[&str]) -> State {
    configured();
    let names = [(PROD.to_owned(), "prod-payments".to_owned())].into();
    let mut state = State::with_sources(
        vec![source("prod"), source("staging")],
        TimeZone::UTC,
        now(),
    )
    .with_accounts(names, production.iter().map(|&a| a.to_owned()));
    update(
        &mut state,
        Msg::Resize {
            width: 140,
            height: 20,
        },
    );
    state.start();
    for (source, account, names) in [
        (0, PROD, ["payments/stripe-key", "payments/db"]),
        (1, STAGING, ["search/admin", "orders/db"]),
    ] {
        let result = Ok(Identity {
            account: account.into(),
            arn: format!("arn:aws:sts::{account}:assumed-role/Admin/alice"),
        });
        update(&mut state, Msg::Identified { source, result });
        let generation = state.feeds()[source].load.generation;
        let secrets = names
            .iter()
            .enumerate()
            .map(|(i, n)| secret_of(account, n, 10.0 + 50.0 * i as f64))
            .collect();
        update(
            &mut state,
            Msg::PageLoaded {
                source,
                generation,
                page: page(secrets, 4, None),
            },
        );
    }
    state
}

fn buffer(state: &State) -> Buffer {
    draw(state).0.backend().buffer().clone()
}

/// The screen line that shows `text`.
fn row_of(buf: &Buffer, text: &str) -> u16 {
    (0..buf.area.height)
        .find(|&y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .contains(text)
        })
        .unwrap_or_else(|| panic!("{text} is not on screen"))
}

fn lines(state: &State) -> Vec<String> {
    screen(state).lines().map(str::to_owned).collect()
}

#[test]
fn a_rebound_key_is_what_the_footer_and_the_help_name_and_what_acts() {
    configured();
    let mut state = started();
    dated(&mut state, sample());
    let footer = lines(&state)
        .into_iter()
        .rev()
        .find(|l| l.contains("quit"))
        .unwrap();
    assert!(footer.contains("x restore"), "{footer}");
    assert!(!footer.contains("r restore"), "{footer}");
    assert!(footer.contains("F1 help"), "{footer}");

    act(&mut state, Action::Help);
    let help = screen(&state);
    let row = help
        .lines()
        .find(|l| l.contains("Restore the selected or marked"))
        .unwrap();
    assert!(row.contains(" x "), "{row}");
    assert!(!row.contains(" r "), "{row}");
    let row = help
        .lines()
        .find(|l| l.contains("Reload the list"))
        .unwrap();
    assert!(row.contains(" R "), "untouched: {row}");

    // The keys do what the screen says.
    let press = |c| crossterm::event::Event::Key(crossterm::event::KeyEvent::from(c));
    use crossterm::event::KeyCode::{Char, F};
    assert_eq!(
        keys::map(&Mode::List, &press(Char('x'))),
        Some(Msg::Action(Action::Restore))
    );
    assert_eq!(keys::map(&Mode::List, &press(Char('r'))), None);
    assert_eq!(
        keys::map(&Mode::List, &press(F(1))),
        Some(Msg::Action(Action::Help))
    );
}

#[test]
fn the_filter_lights_its_matches_in_the_configured_colour() {
    configured();
    let mut state = sized(100, 12);
    dated(&mut state, sample());
    // Urgent rows are in the configured colour.
    let buf = buffer(&state);
    let overdue = row_of(&buf, "stripe-webhook");
    assert_eq!(buf[(buf.area.width - 2, overdue)].fg, Color::LightRed);

    typed(&mut state, "pstgres");
    let buf = buffer(&state);
    let y = row_of(&buf, "prod/orders/postgres-primary");
    let lit: String = (0..buf.area.width)
        .map(|x| &buf[(x, y)])
        .filter(|c| c.fg == Color::Magenta)
        .map(|c| c.symbol())
        .collect();
    assert_eq!(lit, "pstgres");
    let first = (0..buf.area.width)
        .map(|x| &buf[(x, y)])
        .find(|c| c.fg == Color::Magenta)
        .unwrap();
    assert!(
        first
            .modifier
            .contains(Modifier::BOLD | Modifier::UNDERLINED)
    );
}

#[test]
fn a_named_account_shows_its_name_in_the_account_column_and_filters_by_it() {
    let mut state = two_accounts(&[]);
    let screen = screen(&state);
    let row = screen.lines().find(|l| l.contains("payments/db")).unwrap();
    assert!(row.contains("prod-payments"), "{row}");
    assert!(!row.contains(PROD), "the name stands for the id: {row}");
    let row = screen.lines().find(|l| l.contains("search/admin")).unwrap();
    assert!(
        row.contains(STAGING),
        "an unnamed account keeps its id: {row}"
    );
    assert!(!screen.contains("PRODUCTION"), "{screen}");

    typed(&mut state, "@prod-pay");
    assert_eq!(names(&state), ["payments/stripe-key", "payments/db"]);
    typed(&mut state, " db");
    assert_eq!(names(&state), ["payments/db"]);
}

#[test]
fn the_header_says_production_while_a_production_account_is_in_view() {
    let state = two_accounts(&[PROD]);
    let buf = buffer(&state);
    let header: String = (0..buf.area.width).map(|x| buf[(x, 0)].symbol()).collect();
    let at = header
        .find("PRODUCTION")
        .unwrap_or_else(|| panic!("{header}"));
    assert!(header.starts_with(" reprieve "), "{header}");
    let cell = &buf[(u16::try_from(at).unwrap(), 0)];
    assert_eq!(cell.fg, Color::LightRed, "the urgent colour");
    assert!(cell.modifier.contains(Modifier::BOLD));

    // A production account that is not among the sources says nothing.
    let state = two_accounts(&["999999999999"]);
    assert!(
        !lines(&state)[0].contains("PRODUCTION"),
        "{}",
        lines(&state)[0]
    );
}
