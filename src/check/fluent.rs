//! Translators' checks on the Fluent files: messages no template uses, translations whose
//! variables or terms differ from the default locale's, and attributes a translation lacks.
//! (Syntax errors, duplicates and messages used but defined nowhere are load errors.)

use crate::diag::{Code, Diagnostic, Pos};
use crate::localise::CODE_MESSAGES;
use crate::Inputs;
use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// What one message refers to.
#[derive(Debug, Default, PartialEq)]
struct Refs {
    variables: BTreeSet<String>,
    terms: BTreeSet<String>,
    messages: BTreeSet<String>,
    attributes: BTreeSet<String>,
}

/// Per locale: message id → (file, position, references).
type Messages = BTreeMap<String, (PathBuf, Pos, Refs)>;

pub fn check(inputs: &Inputs) -> Vec<Diagnostic> {
    let locales: Vec<(&str, &BTreeMap<PathBuf, String>)> = inputs
        .l10n
        .locales
        .iter()
        .map(|l| (l.code.as_str(), &l.sources))
        .collect();
    let mut used: BTreeSet<String> = inputs.templates.message_ids();
    used.extend(CODE_MESSAGES.iter().map(|s| s.to_string()));
    compare(&locales, Some(&used))
}

/// The checks over Fluent sources by locale (`(code, file → text)`, the default locale
/// first). With `used`, messages outside it (and not referenced by another message) are
/// reported as obsolete.
pub fn compare(
    locales: &[(&str, &BTreeMap<PathBuf, String>)],
    used: Option<&BTreeSet<String>>,
) -> Vec<Diagnostic> {
    let parsed: Vec<Messages> = locales
        .iter()
        .map(|(_, sources)| {
            let mut out = Messages::new();
            for (file, source) in sources.iter() {
                let Ok(resource) = fluent_syntax::parser::parse(source.as_str()) else {
                    continue;
                };
                for entry in &resource.body {
                    if let Entry::Message(m) = entry {
                        let mut refs = Refs::default();
                        if let Some(v) = &m.value {
                            pattern(v, &mut refs);
                        }
                        for a in &m.attributes {
                            refs.attributes.insert(a.id.name.to_string());
                            pattern(&a.value, &mut refs);
                        }
                        let pos = crate::localise::definition_pos(source, m.id.name);
                        out.insert(m.id.name.to_string(), (file.clone(), pos, refs));
                    }
                }
            }
            out
        })
        .collect();
    let source_of = |l: usize, file: &PathBuf| locales[l].1.get(file).map_or("", String::as_str);
    let mut used = used.cloned();
    if let Some(used) = used.as_mut() {
        for messages in &parsed {
            for (_, _, refs) in messages.values() {
                used.extend(refs.messages.iter().cloned());
            }
        }
    }
    let locales_codes: Vec<&str> = locales.iter().map(|(c, _)| *c).collect();
    let locales = parsed;
    let mut out = Vec::new();
    for (l, messages) in locales.iter().enumerate() {
        let code = locales_codes[l];
        for (id, (file, pos, refs)) in messages {
            let src = source_of(l, file);
            if used.as_ref().is_some_and(|u| !u.contains(id)) {
                out.push(
                    Diagnostic::warning(
                        Code::MessageUnused,
                        file,
                        *pos,
                        format!("`{id}` is not used by any template"),
                    )
                    .with_source(src)
                    .hint("remove it, or use it in a template with t(key=\"…\")"),
                );
            }
            if l == 0 {
                continue;
            }
            let Some((_, _, original)) = locales[0].get(id) else {
                continue;
            };
            let default = locales_codes[0];
            let extra: Vec<&String> = refs.variables.difference(&original.variables).collect();
            if !extra.is_empty() {
                out.push(
                    Diagnostic::error(
                        Code::MessageVariables,
                        file,
                        *pos,
                        format!(
                            "`{id}` uses {} that the {default} message does not have",
                            list("$", &extra)
                        ),
                    )
                    .with_source(src)
                    .hint(format!(
                        "the {default} message has {}",
                        if original.variables.is_empty() {
                            "no variables".into()
                        } else {
                            list("$", &original.variables.iter().collect::<Vec<_>>())
                        }
                    )),
                );
            }
            let missing: Vec<&String> = original.variables.difference(&refs.variables).collect();
            if !missing.is_empty() {
                out.push(
                    Diagnostic::warning(
                        Code::MessageVariables,
                        file,
                        *pos,
                        format!("the {code} `{id}` does not show {}", list("$", &missing)),
                    )
                    .with_source(src)
                    .hint(format!(
                        "the {default} message shows it; readers of {code} will not see that value"
                    )),
                );
            }
            if refs.terms != original.terms {
                out.push(
                    Diagnostic::warning(
                        Code::MessageTerms,
                        file,
                        *pos,
                        format!(
                            "`{id}` uses other terms than in {default}: {} here, {} there",
                            names("-", &refs.terms),
                            names("-", &original.terms)
                        ),
                    )
                    .with_source(src)
                    .hint("terms keep names consistent; use the same ones as the source"),
                );
            }
            let missing_attrs: Vec<&String> =
                original.attributes.difference(&refs.attributes).collect();
            if !missing_attrs.is_empty() {
                out.push(
                    Diagnostic::warning(
                        Code::MessageAttributes,
                        file,
                        *pos,
                        format!("`{id}` lacks the attribute {}", list(".", &missing_attrs)),
                    )
                    .with_source(src)
                    .hint(format!("the {default} message has it; translate it too")),
                );
            }
        }
    }
    out
}

fn list(sigil: &str, items: &[&String]) -> String {
    items
        .iter()
        .map(|i| format!("`{sigil}{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn names(sigil: &str, items: &BTreeSet<String>) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        list(sigil, &items.iter().collect::<Vec<_>>())
    }
}

fn pattern(p: &Pattern<&str>, refs: &mut Refs) {
    for element in &p.elements {
        if let PatternElement::Placeable { expression } = element {
            expr(expression, refs);
        }
    }
}

fn expr(e: &Expression<&str>, refs: &mut Refs) {
    match e {
        Expression::Select { selector, variants } => {
            inline(selector, refs);
            for v in variants {
                pattern(&v.value, refs);
            }
        }
        Expression::Inline(i) => inline(i, refs),
    }
}

fn inline(e: &InlineExpression<&str>, refs: &mut Refs) {
    match e {
        InlineExpression::VariableReference { id } => {
            refs.variables.insert(id.name.to_string());
        }
        InlineExpression::TermReference { id, arguments, .. } => {
            refs.terms.insert(id.name.to_string());
            if let Some(args) = arguments {
                args.positional.iter().for_each(|a| inline(a, refs));
                args.named.iter().for_each(|a| inline(&a.value, refs));
            }
        }
        InlineExpression::MessageReference { id, .. } => {
            refs.messages.insert(id.name.to_string());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            arguments.positional.iter().for_each(|a| inline(a, refs));
            arguments.named.iter().for_each(|a| inline(&a.value, refs));
        }
        InlineExpression::Placeable { expression } => expr(expression, refs),
        InlineExpression::StringLiteral { .. } | InlineExpression::NumberLiteral { .. } => {}
    }
}
