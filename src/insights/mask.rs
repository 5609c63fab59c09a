//! Personal data out of what shoppers write: a comment under "Was this helpful?" often
//! carries an e-mail address or a phone number ("call me on +372 5123 4567"), and nothing
//! that identifies a shopper is stored.

/// What an e-mail address becomes.
pub const EMAIL: &str = "[email]";
/// What a phone number (seven digits or more) becomes.
pub const PHONE: &str = "[phone]";

/// `text` with every e-mail address and every phone number replaced by [`EMAIL`] and
/// [`PHONE`]. A phone number is a run of at least seven digits, possibly after a `+` and with
/// spaces, dashes, dots, slashes or brackets between them; order numbers of that length go
/// too, which is the safe side.
pub fn personal_data(text: &str) -> String {
    let emails_masked = emails(text);
    phones(&emails_masked)
}

fn emails(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        let is_local = |c: char| c.is_alphanumeric() || "._%+-".contains(c);
        let is_domain = |c: char| c.is_alphanumeric() || ".-".contains(c);
        let before = &rest[..at];
        let local_start = before
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_local(c))
            .last()
            .map_or(at, |(i, _)| i);
        let after = &rest[at + 1..];
        let domain_len: usize = after
            .chars()
            .take_while(|&c| is_domain(c))
            .map(char::len_utf8)
            .sum();
        // A domain ends in a letter or digit, and has a dot inside it.
        let domain = after[..domain_len].trim_end_matches(['.', '-']);
        let is_email = local_start < at
            && domain.contains('.')
            && !domain.starts_with('.')
            && domain
                .rsplit('.')
                .next()
                .is_some_and(|tld| tld.chars().count() >= 2);
        if is_email {
            out.push_str(&rest[..local_start]);
            out.push_str(EMAIL);
            rest = &after[domain.len()..];
        } else {
            out.push_str(&rest[..=at]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn phones(text: &str) -> String {
    const SEPARATORS: &str = " -./()\u{a0}";
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let begins = c.is_ascii_digit() || (c == '+' || c == '(') && next_is_digit(&chars, i);
        // Not inside a word or a longer number already passed over.
        let after_word = i > 0 && chars[i - 1].1.is_alphanumeric();
        if !begins || after_word {
            i += 1;
            continue;
        }
        let mut digits = 0;
        let mut end = i;
        let mut j = i;
        while j < chars.len() {
            let c = chars[j].1;
            if c.is_ascii_digit() {
                digits += 1;
                end = j + 1;
            } else if !(SEPARATORS.contains(c) || c == '+' && j == i)
                || c == ' ' && chars.get(j + 1).is_some_and(|&(_, n)| n == ' ')
            {
                break;
            }
            j += 1;
        }
        let glued_to_word = chars.get(end).is_some_and(|&(_, c)| c.is_alphabetic());
        if digits >= 7 && !glued_to_word {
            let to = chars.get(end).map_or(text.len(), |&(at, _)| at);
            let from = if c == '(' && !text[start..to].contains(')') {
                start + 1
            } else {
                start
            };
            out.push_str(&text[copied..from]);
            out.push_str(PHONE);
            copied = to;
            i = end;
        } else {
            i = j.max(i + 1);
        }
    }
    out.push_str(&text[copied..]);
    out
}

fn next_is_digit(chars: &[(usize, char)], i: usize) -> bool {
    chars.get(i + 1).is_some_and(|&(_, c)| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mail_addresses_and_phone_numbers_are_masked() {
        for (text, masked) in [
            (
                "Write to anna.tamm+shop@mail.example.ee please.",
                "Write to [email] please.",
            ),
            ("call me on +372 5123 4567!", "call me on [phone]!"),
            ("Мой номер 8 (912) 345-67-89.", "Мой номер [phone]."),
            (
                "tel. 5123.4567 or (0)20 7946 0958",
                "tel. [phone] or [phone]",
            ),
            (
                "order 12345 arrived after 3 days, 2 of 5 items broken",
                "order 12345 arrived after 3 days, 2 of 5 items broken",
            ),
            ("Price 1 299,00 € in 2024", "Price 1 299,00 € in 2024"),
            (
                "@everyone: a@b is no address",
                "@everyone: a@b is no address",
            ),
            (
                "mail me: x@y.co, or +44 20 7946 0958",
                "mail me: [email], or [phone]",
            ),
            ("code AB12345678CD stays", "code AB12345678CD stays"),
        ] {
            assert_eq!(personal_data(text), masked, "{text}");
        }
    }

    #[test]
    fn text_without_personal_data_is_left_as_it_is() {
        let text = "The refund took 14 days — too long. Возврат занял две недели.";
        assert_eq!(personal_data(text), text);
    }
}
