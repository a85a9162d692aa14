//! Running cfn-guard in memory (payload mode, structured JSON output) and reading its failures.

use cfn_guard::commands::validate::{OutputFormatType, ShowSummaryType};
use cfn_guard::commands::Executable;
use cfn_guard::utils::reader::{ReadBuffer, Reader};
use cfn_guard::utils::writer::{WriteBuffer, Writer};
use cfn_guard::CommandBuilder;
use serde_json::Value;

/// One failing check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The top-level rule that failed.
    pub rule: String,
    /// Index of the data document.
    pub doc: usize,
    /// JSON pointer of the failing value, or of the deepest value reached for a missing one.
    pub path: String,
    /// For a missing property: the query that found nothing.
    pub missing: Option<String>,
    /// The value found, as JSON text (for a failing comparison).
    pub found: Option<String>,
    /// The clause, as Guard prints it (`Status EQUALS "Enabled"`).
    pub clause: String,
    /// The nearest custom message (`<< … >>`), if any.
    pub custom: Option<String>,
}

/// A located syntax error in a rule file (1-based line and column, when Guard gives them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// 1-based line and column.
    pub at: Option<(usize, usize)>,
    /// Guard's message.
    pub message: String,
}

/// Parses a rule file; `Ok(false)` when it holds no rule.
pub fn check_syntax(text: &str, name: &str) -> Result<bool, RuleError> {
    let result = std::panic::catch_unwind(|| {
        cfn_guard::commands::validate::parse_rules(text, name)
            .map(|r| r.is_some())
            .map_err(|e| e.to_string())
    });
    match result {
        Ok(Ok(some)) => Ok(some),
        Ok(Err(message)) => Err(RuleError {
            at: line_col(&message),
            message,
        }),
        Err(_) => Err(RuleError {
            at: None,
            message: "cfn-guard failed while parsing this rule file".into(),
        }),
    }
}

/// `… at line 2 at column 20 …` → (2, 20).
fn line_col(message: &str) -> Option<(usize, usize)> {
    let rest = message.split("at line ").nth(1)?;
    let (line, rest) = rest.split_once(' ')?;
    let col = rest.strip_prefix("at column ")?;
    let col: String = col.chars().take_while(char::is_ascii_digit).collect();
    Some((line.parse().ok()?, col.parse().ok()?))
}

/// Evaluates one rule file over the documents and returns the failures.
pub fn evaluate(rules: &str, docs: &[String]) -> Result<Vec<Failure>, String> {
    if docs.is_empty() {
        return Ok(Vec::new());
    }
    let payload = serde_json::json!({ "rules": [rules], "data": docs }).to_string();
    let output = std::panic::catch_unwind(|| -> Result<String, String> {
        let cmd = cfn_guard::ValidateBuilder::default()
            .payload(true)
            .structured(true)
            .output_format(OutputFormatType::JSON)
            .show_summary(vec![ShowSummaryType::None])
            .try_build()
            .map_err(|e| e.to_string())?;
        let mut reader = Reader::new(ReadBuffer::Cursor(std::io::Cursor::new(
            payload.into_bytes(),
        )));
        let mut writer =
            Writer::new_with_err(WriteBuffer::Vec(Vec::new()), WriteBuffer::Vec(Vec::new()))
                .map_err(|e| e.to_string())?;
        cmd.execute(&mut writer, &mut reader)
            .map_err(|e| e.to_string())?;
        writer.into_string().map_err(|e| e.to_string())
    })
    .map_err(|_| "cfn-guard failed while evaluating this rule file".to_string())??;
    let reports: Value =
        serde_json::from_str(&output).map_err(|e| format!("unexpected cfn-guard output: {e}"))?;
    let mut out = Vec::new();
    for (doc, report) in reports.as_array().into_iter().flatten().enumerate() {
        for nc in report
            .get("not_compliant")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(rule) = nc.get("Rule") else { continue };
            let name = rule
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("unnamed")
                .to_string();
            let mut found = Vec::new();
            collect(rule, custom_of(rule), &mut found);
            for (path, missing, value, clause, custom) in found {
                let f = Failure {
                    rule: name.clone(),
                    doc,
                    path,
                    missing,
                    found: value,
                    clause,
                    custom,
                };
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        }
    }
    Ok(out)
}

type Found = (
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

fn custom_of(v: &Value) -> Option<String> {
    let m = v.get("messages")?.get("custom_message")?.as_str()?;
    let joined = m
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// Walks Guard's record tree: nested rules carry messages; clauses and blocks carry paths.
fn collect(v: &Value, custom: Option<String>, out: &mut Vec<Found>) {
    let mut stack: Vec<(&Value, Option<String>)> = vec![(v, custom)];
    while let Some((v, custom)) = stack.pop() {
        let children = v.get("checks").and_then(Value::as_array);
        for c in children.into_iter().flatten().rev() {
            if let Some(r) = c.get("Rule") {
                let own = custom_of(r).or_else(|| custom.clone());
                stack.push((r, own));
            } else if let Some(d) = c.get("Disjunctions") {
                let own = custom_of(d).or_else(|| custom.clone());
                stack.push((d, own));
            } else if let Some(cl) = c.get("Clause") {
                for kind in ["Unary", "Binary"] {
                    if let Some(k) = cl.get(kind) {
                        let own = custom_of(k).or_else(|| custom.clone());
                        let clause = k
                            .get("context")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .trim()
                            .to_string();
                        if let Some(check) = k.get("check") {
                            if let Some((p, m, val)) = location(check) {
                                out.push((p, m, val, clause, own));
                            }
                        }
                    }
                }
            } else if let Some(b) = c.get("Block") {
                let own = custom_of(b).or_else(|| custom.clone());
                if let Some(u) = b.get("unresolved") {
                    if let Some((p, m, val)) = unresolved(u) {
                        out.push((p, m, val, String::new(), own));
                    }
                }
            }
        }
    }
}

fn unresolved(u: &Value) -> Option<(String, Option<String>, Option<String>)> {
    let path = u.get("traversed_to")?.get("path")?.as_str()?.to_string();
    let rest = u
        .get("remaining_query")
        .and_then(Value::as_str)
        .map(str::to_string);
    Some((path, rest, None))
}

/// The failing location of a clause check (`Resolved`, `UnResolved`, `InResolved`, …).
fn location(check: &Value) -> Option<(String, Option<String>, Option<String>)> {
    let (_, inner) = check.as_object()?.iter().next()?;
    if let Some(u) = inner
        .get("value")
        .filter(|v| v.get("traversed_to").is_some())
    {
        return unresolved(u);
    }
    if let Some(u) = inner
        .get("from")
        .filter(|v| v.get("traversed_to").is_some())
    {
        return unresolved(u);
    }
    for key in ["from", "value"] {
        if let Some(f) = inner.get(key) {
            if let Some(p) = f.get("path").and_then(Value::as_str) {
                let value = f.get("value").map(Value::to_string);
                return Some((p.to_string(), None, value));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_errors_are_located() {
        let e = check_syntax("rule bad {\n Resources.* { x == } }", "f.guard").unwrap_err();
        assert_eq!(e.at, Some((2, 20)), "{}", e.message);
    }

    #[test]
    fn failures_have_paths() {
        let rules = "rule versioned { Resources.*[ Type == 'AWS::S3::Bucket' ].Properties { VersioningConfiguration.Status == 'Enabled' <<Turn versioning on>> } }";
        let doc = r#"{"Resources":{"B":{"Type":"AWS::S3::Bucket","Properties":{}},"C":{"Type":"AWS::S3::Bucket","Properties":{"VersioningConfiguration":{"Status":"Suspended"}}}}}"#;
        let f = evaluate(rules, &[doc.to_string()]).unwrap();
        let paths: Vec<&str> = f.iter().map(|f| f.path.as_str()).collect();
        assert!(paths.contains(&"/Resources/B/Properties"), "{f:?}");
        assert!(
            paths.contains(&"/Resources/C/Properties/VersioningConfiguration/Status"),
            "{f:?}"
        );
        assert!(f.iter().all(|f| f.rule == "versioned"));
        assert!(f
            .iter()
            .all(|f| f.custom.as_deref() == Some("Turn versioning on")));
    }
}
