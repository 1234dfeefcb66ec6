//! Characters that must never reach a terminal from stored text: checked on the way in
//! (names) and escaped on the way out (tables, CSV, JSON).

/// Whether `c` is refused in user-supplied text and escaped in output: control
/// characters (C0, DEL, C1) and the invisible format characters (Unicode category Cf)
/// that reorder or hide what a terminal shows — the bidirectional embeddings, overrides,
/// isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), zero-width
/// space, word joiner and invisible operators, the byte-order mark and the interlinear
/// annotation marks. The zero-width (non-)joiners U+200C/U+200D stay allowed: emoji and
/// several scripts need them, and they move nothing.
pub fn is_forbidden_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

#[cfg(test)]
mod tests {
    use super::is_forbidden_char;

    #[test]
    fn controls_and_bidi_are_forbidden_letters_are_not() {
        for c in [
            '\0', '\n', '\u{1b}', '\u{7f}', '\u{9b}', '\u{202E}', '\u{2066}', '\u{200F}',
        ] {
            assert!(is_forbidden_char(c), "{c:?}");
        }
        for c in ['a', ' ', 'å', '✓', '\u{200D}', '日'] {
            assert!(!is_forbidden_char(c), "{c:?}");
        }
    }
}
