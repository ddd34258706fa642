//! A response pointer that names no property: the one pointer, one level deeper or one
//! level shallower, that does name one, offered as a suggestion that is never applied
//! (the response may well have meant something else: the edit changes what is read).

use super::*;

impl<'a> Checker<'a> {
    /// The pointer tokens one level away from `tokens` (missing at `index`) that land on
    /// a property of `schema`: a property inserted before the missing token, whose
    /// schema has it (deeper), or the token before it dropped (shallower). `None`
    /// unless exactly one such pointer exists.
    pub(super) fn nearby_pointer(
        &self,
        schema: At<'a>,
        tokens: &[String],
        index: usize,
        available: &[String],
    ) -> Option<Vec<String>> {
        let found = |t: &[String]| {
            matches!(
                types::walk(&self.resolver, Schema::Api(schema), t),
                Walk::Found(..)
            )
        };
        let mut candidates: Vec<Vec<String>> = Vec::new();
        for name in available {
            let mut deeper = tokens[..index].to_vec();
            deeper.push(name.clone());
            deeper.extend_from_slice(&tokens[index..]);
            if found(&deeper) {
                candidates.push(deeper);
            }
        }
        if index > 0 {
            let mut shallower = tokens.to_vec();
            shallower.remove(index - 1);
            if found(&shallower) {
                candidates.push(shallower);
            }
        }
        match candidates.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        }
    }

    /// Adds the nearby pointer, if there is exactly one, to the diagnostic recorded last:
    /// a help line and a suggestion that `arazzo fix` does not apply.
    pub(super) fn suggest_nearby_pointer(
        &mut self,
        schema: At<'a>,
        tokens: &[String],
        index: usize,
        available: &[String],
        raw: &str,
    ) {
        let Some(near) = self.nearby_pointer(schema, tokens, index, available) else {
            return;
        };
        let pointer: String = near
            .iter()
            .map(|t| format!("/{}", crate::expr::escape_token(t)))
            .collect();
        if let Some(d) = self.diags.last_mut() {
            d.help.push(format!(
                "`#{pointer}` is one level away and exists: did you mean it?"
            ));
            d.suggest_within(raw, pointer, Applicability::MaybeIncorrect);
        }
    }
}
