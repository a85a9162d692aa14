//! CloudFormation parameter files as `aws cloudformation deploy` and `create-stack` take them.

use std::collections::BTreeMap;
use std::path::Path;

/// Reads `[{"ParameterKey": "K", "ParameterValue": "V"}]`, `{"Parameters": {"K": "V"}}` or
/// `{"K": "V"}`.
pub fn read_parameters_file(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("not valid JSON: {e}"))?;
    let mut out = BTreeMap::new();
    let scalar = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match &v {
        serde_json::Value::Array(items) => {
            for it in items {
                match (
                    it.get("ParameterKey").and_then(|k| k.as_str()),
                    it.get("ParameterValue").and_then(scalar),
                ) {
                    (Some(k), Some(val)) => {
                        out.insert(k.to_string(), val);
                    }
                    _ => return Err("each entry needs ParameterKey and ParameterValue".to_string()),
                }
            }
        }
        serde_json::Value::Object(map) => {
            let map = match map.get("Parameters") {
                Some(serde_json::Value::Object(inner)) => inner,
                _ => map,
            };
            for (k, val) in map {
                match scalar(val) {
                    Some(s) => {
                        out.insert(k.clone(), s);
                    }
                    None => {
                        return Err(format!(
                            "parameter `{k}` is not a string, number or boolean"
                        ))
                    }
                }
            }
        }
        _ => return Err("expected a list of ParameterKey/ParameterValue or an object".to_string()),
    }
    Ok(out)
}
