//! The letters a fuzzy query matched, lit in the Name column: drawn into
//! ratatui's TestBackend and written out with each lit cell in brackets.
#![allow(clippy::unwrap_used)]

mod fixtures;

use fixtures::*;
use ratatui::style::Modifier;
use reprieve::app::State;
use unicode_width::UnicodeWidthStr;

/// The table's rows as the operator reads them, `[x]` for each lit cell.
fn lit_rows(state: &State) -> String {
    let (terminal, _) = draw(state);
    let buffer = terminal.backend().buffer();
    let mut lines = Vec::new();
    let mut plain = Vec::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        let mut text = String::new();
        let mut x = 0;
        while x < buffer.area.width {
            let cell = &buffer[(x, y)];
            let symbol = cell.symbol();
            text.push_str(symbol);
            if cell.modifier.contains(Modifier::UNDERLINED) {
                line.push_str(&format!("[{symbol}]"));
            } else {
                line.push_str(symbol);
            }
            x += u16::try_from(symbol.width().max(1)).unwrap();
        }
        lines.push(line.trim_end().to_owned());
        plain.push(text);
    }
    // The column titles are underlined too: only the rows below count.
    let header = plain.iter().position(|l| l.starts_with("  Name")).unwrap();
    lines[header + 1..]
        .iter()
        .take_while(|l| !l.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join("\n")
}

fn filtered(secrets: Vec<reprieve::store::PendingSecret>, query: &str) -> State {
    let mut state = sized(100, 12);
    dated(&mut state, secrets);
    typed(&mut state, query);
    state
}

#[test]
fn a_fuzzy_query_lights_the_letters_it_matched() {
    let state = filtered(sample(), "pstgres");
    let rows = lit_rows(&state);
    assert!(
        rows.contains("prod/orders/[p]o[s][t][g][r][e][s]-primary"),
        "{rows}"
    );
    insta::assert_snapshot!(rows);
}

#[test]
fn stand_ins_and_wide_characters_are_lit_at_their_own_cells() {
    let secrets = vec![
        secret("ops/\u{1b}[31mred-token", 1.0),
        secret("team-東京/ingest/kafka-sasl", 2.0),
        secret("東京/token", 3.0),
    ];
    let state = filtered(secrets, "tokn");
    let rows = lit_rows(&state);
    // The escape shows as ␛ and the letters after it are lit where they are.
    assert!(rows.contains("ops/␛[31mred-[t][o][k]e[n]"), "{rows}");
    assert!(rows.contains("東京/[t][o][k]e[n]"), "{rows}");
    insta::assert_snapshot!(rows);

    let state = filtered(vec![secret("team-東京/ingest/kafka-sasl", 2.0)], "東kfk");
    let rows = lit_rows(&state);
    assert!(
        rows.contains("team-[東]京/ingest/[k]a[f][k]a-sasl"),
        "{rows}"
    );
}

#[test]
fn a_name_cut_short_lights_only_what_is_shown() {
    let long = format!("svc/{}/api-token", "x".repeat(200));
    let state = filtered(vec![secret(&long, 1.0)], "svctoken");
    let rows = lit_rows(&state);
    assert!(rows.starts_with("  [s][v][c]/xxx"), "{rows}");
    assert!(
        !rows.contains("[…]"),
        "the ellipsis stands for the rest: {rows}"
    );
    insta::assert_snapshot!(rows);
}

#[test]
fn without_a_query_nothing_is_lit() {
    let mut state = sized(100, 12);
    listed(&mut state, sample());
    assert!(!lit_rows(&state).contains('['));
}
