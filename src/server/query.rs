//! The raw query string, decoded strictly: a bad `%` escape or bytes that are not UTF-8 are
//! an error naming the parameter, never silently replaced (axum's `Query` would answer a
//! plain-text 400 or decode lossily).

/// `a=1&b=x+y`: names decoded, values decoded on demand so that a bad value of a parameter we
/// ignore does not fail the request.
pub(crate) struct QueryString<'a> {
    pairs: Vec<(String, &'a str)>,
}

/// Why a query-string component could not be decoded.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// `%` not followed by two hex digits; holds what followed it.
    BadEscape(String),
    /// The decoded bytes are not UTF-8.
    NotUtf8,
}

impl DecodeError {
    /// The reason, for a message that has already named the parameter.
    pub(crate) fn reason(&self) -> String {
        match self {
            DecodeError::BadEscape(seen) => {
                format!("`%{seen}` is not a percent-encoded byte (write `%` itself as `%25`)")
            }
            DecodeError::NotUtf8 => {
                "it is not UTF-8 text after percent-decoding (send the text as UTF-8)".to_string()
            }
        }
    }
}

impl<'a> QueryString<'a> {
    /// Splits `raw` (the part after `?`, still percent-encoded) into name/value pairs.
    pub(crate) fn parse(raw: &'a str) -> Result<QueryString<'a>, String> {
        let mut pairs = Vec::new();
        for pair in raw.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = decode(name, true).map_err(|e| {
                format!(
                    "the query string has a parameter name that cannot be read: {}",
                    e.reason()
                )
            })?;
            pairs.push((name, value));
        }
        Ok(QueryString { pairs })
    }

    /// The first value given for `name`, decoded; `Ok(None)` when it is not there.
    pub(crate) fn get(&self, name: &str) -> Result<Option<String>, String> {
        match self.pairs.iter().find(|(n, _)| n == name) {
            None => Ok(None),
            Some((_, value)) => decode(value, true)
                .map(Some)
                .map_err(|e| format!("{name} cannot be read: {}", e.reason())),
        }
    }
}

/// Percent-decodes `text`; with `plus_is_space` (query strings), `+` is a space.
pub(crate) fn decode(text: &str, plus_is_space: bool) -> Result<String, DecodeError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
                match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                    (Some(high), Some(low)) => {
                        // Two hex digits are at most 0xff.
                        out.push(u8::try_from(high * 16 + low).unwrap_or(u8::MAX));
                        i += 3;
                    }
                    _ => {
                        let seen: String = text[i + 1..].chars().take(2).collect();
                        return Err(DecodeError::BadEscape(seen));
                    }
                }
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| DecodeError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_plus_and_utf8() {
        assert_eq!(decode("money+back", true).unwrap(), "money back");
        assert_eq!(decode("a%2Bb", true).unwrap(), "a+b");
        assert_eq!(decode("%D0%B3%D0%B4%D0%B5", true).unwrap(), "где");
        assert_eq!(decode("a+b", false).unwrap(), "a+b");
        assert_eq!(decode("%2e%2E", false).unwrap(), "..");
    }

    #[test]
    fn rejects_bad_escapes_and_invalid_utf8() {
        assert_eq!(decode("%FF", true), Err(DecodeError::NotUtf8));
        assert_eq!(decode("%C3", true), Err(DecodeError::NotUtf8));
        assert_eq!(
            decode("100%", true),
            Err(DecodeError::BadEscape(String::new()))
        );
        assert_eq!(
            decode("%zz", true),
            Err(DecodeError::BadEscape("zz".into()))
        );
        assert_eq!(decode("%4", true), Err(DecodeError::BadEscape("4".into())));
        assert_eq!(decode("%é", true), Err(DecodeError::BadEscape("é".into())));
    }

    #[test]
    fn first_value_wins_and_bad_values_of_others_are_ignored() {
        let query = QueryString::parse("q=one&q=two&utm=%FF&empty").unwrap();
        assert_eq!(query.get("q").unwrap().as_deref(), Some("one"));
        assert_eq!(query.get("empty").unwrap().as_deref(), Some(""));
        assert_eq!(query.get("lang").unwrap(), None);
        let error = query.get("utm").unwrap_err();
        assert!(error.starts_with("utm cannot be read"), "{error}");
        assert!(QueryString::parse("%FF=1").is_err());
    }
}
