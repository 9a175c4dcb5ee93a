//! 口令复杂度 (password rules) of a 等保2.0 level-3 system, checked when a
//! password is set: at least eight characters of at least three of the four
//! classes (upper case, lower case, digits, other signs), no white space at
//! either end, no invisible or control characters, not the username. Whether
//! it repeats one of the last [`HISTORY`] is checked against their hashes by
//! the caller.

use crate::validate::{Invalid, char_code};

/// Shortest and longest password, in characters.
pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;
/// How many earlier passwords a new one may not repeat.
pub const HISTORY: usize = 5;

/// The field errors of `password` as the new password of `username`.
pub fn check(password: &str, username: &str) -> Result<(), Invalid> {
    let field = "password";
    let len = password.chars().count();
    if !(MIN_LEN..=MAX_LEN).contains(&len) {
        return Err(Invalid::one(field, "bad_length", format!("密码长度应为{MIN_LEN}到{MAX_LEN}个字符")));
    }
    if password.trim() != password {
        return Err(Invalid::one(field, "padded", "密码首尾不能有空格"));
    }
    if let Some(c) = password
        .chars()
        .find(|c| c.is_control() || crate::forbidden_char(&c.to_string()).is_some() || (c.is_whitespace() && *c != ' '))
    {
        return Err(Invalid::one(field, "invisible_char", format!("密码含有不允许的不可见字符 {}", char_code(c))));
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|&&has| has).count() < 3 {
        return Err(Invalid::one(field, "too_weak", "密码须包含大写字母、小写字母、数字和其他符号中的至少三类"));
    }
    let name = username.trim().to_lowercase();
    if !name.is_empty() && password.to_lowercase().contains(&name) {
        return Err(Invalid::one(field, "has_username", "密码不能包含用户名"));
    }
    Ok(())
}

/// What a password that repeats a recent one is told.
pub fn reused() -> Invalid {
    Invalid::one("password", "reused", format!("新密码不能与最近{HISTORY}次使用过的密码相同"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(password: &str) -> &'static str {
        match check(password, "fgw.wu") {
            Ok(()) => "ok",
            Err(e) => e.errors[0].code,
        }
    }

    #[test]
    fn a_level_three_password_has_three_classes_and_no_tricks() {
        assert_eq!(code("Qingdan2026"), "ok");
        assert_eq!(code("qingdan-2026"), "ok", "lower, digit and a sign");
        assert_eq!(code("青岚市Ab1234"), "ok", "Chinese counts as another sign");
        assert_eq!(code("Ab1!"), "bad_length");
        assert_eq!(code("qingdan2026"), "too_weak");
        assert_eq!(code("QINGDANQINGDAN"), "too_weak");
        assert_eq!(code(" Qingdan2026"), "padded");
        assert_eq!(code("Qingdan2026 "), "padded");
        assert_eq!(code("Qing\u{200B}dan2026"), "invisible_char");
        assert_eq!(code("Qing\tdan2026"), "invisible_char");
        assert_eq!(code("FGW.wu2026x"), "has_username");
        assert_eq!(code("Qing dan 2026"), "ok", "a space inside is allowed");
    }
}
