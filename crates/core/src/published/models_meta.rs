//! `baseten_models_meta.json`: per Baseten model, its weight quantization, context
//! length and display name — the data behind the quantization section (the
//! original cited this file but never loaded it).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{key_segment, parse_json, parse_value, PublishedError};

/// Numeric format of a model's served weights.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantization {
    Fp4,
    Fp8,
    Int4,
    Int8,
    Fp16,
    Bf16,
    Fp32,
    /// Any other label, as written.
    Other(String),
}

impl Quantization {
    pub fn parse(s: &str) -> Quantization {
        match s.trim().to_ascii_lowercase().as_str() {
            "fp4" | "nvfp4" | "mxfp4" => Quantization::Fp4,
            "fp8" => Quantization::Fp8,
            "int4" | "w4a16" => Quantization::Int4,
            "int8" | "w8a8" => Quantization::Int8,
            "fp16" => Quantization::Fp16,
            "bf16" => Quantization::Bf16,
            "fp32" => Quantization::Fp32,
            _ => Quantization::Other(s.trim().to_string()),
        }
    }

    /// Bytes per weight; `None` for unknown formats.
    pub fn bytes_per_weight(&self) -> Option<f64> {
        match self {
            Quantization::Fp4 | Quantization::Int4 => Some(0.5),
            Quantization::Fp8 | Quantization::Int8 => Some(1.0),
            Quantization::Fp16 | Quantization::Bf16 => Some(2.0),
            Quantization::Fp32 => Some(4.0),
            Quantization::Other(_) => None,
        }
    }

    pub fn label(&self) -> String {
        match self {
            Quantization::Other(s) => s.clone(),
            q => format!("{q:?}").to_uppercase(),
        }
    }
}

/// One model's metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelMeta {
    /// Model id (the file's key).
    pub id: String,
    pub quantization: Quantization,
    pub context_length: Option<u64>,
    pub name: Option<String>,
}

/// All models, in file order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelsMeta {
    pub models: Vec<ModelMeta>,
}

#[derive(Deserialize)]
struct RawMeta {
    quantization: String,
    #[serde(default)]
    context_length: Option<u64>,
    #[serde(default)]
    name: Option<String>,
}

impl ModelsMeta {
    /// Reads `{model_id: {quantization, context_length, name}}`.
    pub fn from_json(bytes: &[u8], file_name: &str) -> Result<ModelsMeta, PublishedError> {
        let what = "model metadata ({model_id: {quantization, context_length, name}})";
        let map: Map<String, Value> = parse_json(bytes, file_name, what)?;
        let mut models = Vec::with_capacity(map.len());
        for (id, v) in map {
            let raw: RawMeta = parse_value(
                &v,
                file_name,
                &format!("${}", key_segment(&id)),
                "a model entry {quantization, context_length, name}",
            )?;
            if raw.quantization.trim().is_empty() {
                return Err(PublishedError::new(
                    file_name,
                    format!("${}.quantization", key_segment(&id)),
                    "empty quantization",
                ));
            }
            models.push(ModelMeta {
                id,
                quantization: Quantization::parse(&raw.quantization),
                context_length: raw.context_length,
                name: raw.name,
            });
        }
        Ok(ModelsMeta { models })
    }

    pub fn get(&self, id: &str) -> Option<&ModelMeta> {
        self.models.iter().find(|m| m.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&[(&str, Quantization)], (&str, &str)>) {
        match (
            ModelsMeta::from_json(input.as_bytes(), "baseten_models_meta.json"),
            expected,
        ) {
            (Ok(m), Ok(want)) => {
                let got: Vec<(&str, Quantization)> = m
                    .models
                    .iter()
                    .map(|x| (x.id.as_str(), x.quantization.clone()))
                    .collect();
                assert_eq!(got, want);
            }
            (Err(e), Err((path, msg))) => {
                assert_eq!(e.path, path, "{e}");
                assert!(e.message.contains(msg), "{e}");
            }
            (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn loads_in_file_order_and_rejects() {
        check(
            r#"{"zai-org/GLM-5": {"quantization": "fp4", "context_length": 202800, "name": "GLM 5"}, "a/b": {"quantization": "FP8"}}"#,
            Ok(&[
                ("zai-org/GLM-5", Quantization::Fp4),
                ("a/b", Quantization::Fp8),
            ]),
        );
        check(
            r#"{"x": {"quantization": "awq"}}"#,
            Ok(&[("x", Quantization::Other("awq".into()))]),
        );
        check(r#"{}"#, Ok(&[]));
        check(
            r#"{"openai/gpt-oss-120b": {"context_length": 1}}"#,
            Err(("$[\"openai/gpt-oss-120b\"]", "missing field `quantization`")),
        );
        check(
            r#"{"m": {"quantization": "fp4", "context_length": "long"}}"#,
            Err(("$.m.context_length", "invalid type")),
        );
        check(
            r#"{"m": {"quantization": " "}}"#,
            Err(("$.m.quantization", "empty")),
        );
        check(r#"[]"#, Err(("$", "invalid type: sequence")));
    }

    #[test]
    fn bytes_per_weight() {
        let cases = [
            (Quantization::Fp4, Some(0.5)),
            (Quantization::Fp8, Some(1.0)),
            (Quantization::Bf16, Some(2.0)),
            (Quantization::Other("awq".into()), None),
        ];
        for (q, b) in cases {
            assert_eq!(q.bytes_per_weight(), b, "{q:?}");
        }
        assert_eq!(Quantization::Fp4.label(), "FP4");
        assert_eq!(Quantization::Other("awq".into()).label(), "awq");
    }
}
