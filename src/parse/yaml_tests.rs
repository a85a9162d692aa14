//! Unit tests of the YAML front end.

use super::*;

fn one(text: &str) -> Node {
    let mut docs = parse(text, 0).unwrap();
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

fn slice(text: &str, span: Span) -> &str {
    &text[span.start as usize..span.end as usize]
}

#[test]
fn spans_of_keys_values_and_tagged_values() {
    let text = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub \"${AWS::StackName}-logs\"\n      Arn: !GetAtt [Key, Arn]\n";
    let root = one(text);
    let res = root.entry("Resources").unwrap();
    assert_eq!(slice(text, res.key_span), "Resources");
    let bucket = res.value.entry("Bucket").unwrap();
    assert_eq!(slice(text, bucket.key_span), "Bucket");
    let ty = bucket.value.get("Type").unwrap();
    assert_eq!(slice(text, ty.span), "AWS::S3::Bucket");
    let props = bucket.value.get("Properties").unwrap();
    let name = props.get("BucketName").unwrap();
    assert_eq!(name.tag.as_deref(), Some("Sub"));
    assert_eq!(slice(text, name.span), "!Sub \"${AWS::StackName}-logs\"");
    assert_eq!(name.as_str(), Some("${AWS::StackName}-logs"));
    let arn = props.get("Arn").unwrap();
    assert_eq!(arn.tag.as_deref(), Some("GetAtt"));
    assert_eq!(slice(text, arn.span), "!GetAtt [Key, Arn]");
    // A block mapping ends at its last value, not at the next line.
    assert!(slice(text, props.span).ends_with("[Key, Arn]"));
}

#[test]
fn all_short_form_tags_are_kept() {
    let tags = [
        "Ref",
        "GetAtt",
        "Sub",
        "If",
        "Equals",
        "Join",
        "Select",
        "FindInMap",
        "Base64",
        "GetAZs",
        "ImportValue",
        "Condition",
        "Not",
        "And",
        "Or",
        "Split",
        "Cidr",
        "Transform",
    ];
    let text: String = tags.iter().map(|t| format!("k{t}: !{t} x\n")).collect();
    let root = one(&text);
    for (t, e) in tags.iter().zip(root.entries()) {
        assert_eq!(e.value.tag.as_deref(), Some(*t));
        assert_eq!(slice(&text, e.value.span), format!("!{t} x"));
    }
    let root = one("a: !!str 12\nb: !If [c, {x: 1}, !Ref AWS::NoValue]\n");
    assert_eq!(root.get("a").unwrap().tag, None);
    assert_eq!(root.get("a").unwrap().kind, NodeKind::String("12".into()));
    let b = root.get("b").unwrap();
    assert_eq!(b.tag.as_deref(), Some("If"));
    let NodeKind::Seq(items) = &b.kind else {
        panic!()
    };
    assert_eq!(items[2].tag.as_deref(), Some("Ref"));
}

#[test]
fn scalar_resolution() {
    let root = one("a: true\nb: FALSE\nc: ~\nd:\ne: 12\nf: -1.5e3\ng: \"true\"\nh: 'x'\ni: 0x1F\nj: 1.2.3\nk: yes\nl: .inf\n");
    let kind = |k: &str| root.get(k).unwrap().kind.clone();
    assert_eq!(kind("a"), NodeKind::Bool(true));
    assert_eq!(kind("b"), NodeKind::Bool(false));
    assert_eq!(kind("c"), NodeKind::Null);
    assert_eq!(kind("d"), NodeKind::Null);
    assert_eq!(kind("e"), NodeKind::Number("12".into()));
    assert_eq!(kind("f"), NodeKind::Number("-1.5e3".into()));
    assert_eq!(kind("g"), NodeKind::String("true".into()));
    assert_eq!(kind("h"), NodeKind::String("x".into()));
    assert_eq!(kind("i"), NodeKind::Number("0x1F".into()));
    assert_eq!(kind("j"), NodeKind::String("1.2.3".into()));
    assert_eq!(kind("k"), NodeKind::String("yes".into()));
    assert_eq!(kind("l"), NodeKind::Number(".inf".into()));
}

#[test]
fn anchors_aliases_and_duplicates() {
    let text = "base: &b {Enabled: true}\nuse: *b\nuse: 2\n";
    let root = one(text);
    let used = root.entries()[1].value.clone();
    assert_eq!(slice(text, used.span), "*b");
    assert_eq!(used.get("Enabled").unwrap().kind, NodeKind::Bool(true));
    assert_eq!(crate::tree::duplicate_keys(&root).len(), 1);
    let err = parse("a: *nope\n", 0).unwrap_err();
    assert_eq!(err.span.start, 3);
    assert!(parse("a: &x [*x]\n", 0).is_err());
}

#[test]
fn merge_keys_are_expanded() {
    let text = "base: &b {Runtime: python3.12, Tracing: Active}\nextra: &e {MemorySize: 256}\nf:\n  <<: [*b, *e]\n  Tracing: PassThrough\ng:\n  Handler: x\n  <<: *b\n";
    let root = one(text);
    let f = root.get("f").unwrap();
    let keys: Vec<_> = f.entries().iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["Tracing", "Runtime", "MemorySize"]);
    assert_eq!(f.get("Tracing").unwrap().as_str(), Some("PassThrough"));
    // Merged values keep the span where they were written.
    let rt = f.get("Runtime").unwrap();
    assert_eq!(slice(text, rt.span), "python3.12");
    assert!(rt.span.start < 20);
    let g = root.get("g").unwrap();
    assert_eq!(g.get("Tracing").unwrap().as_str(), Some("Active"));
    assert!(crate::tree::duplicate_keys(&root).is_empty());
    let err = parse("a:\n  <<: 3\n", 0).unwrap_err();
    assert_eq!(err.span.start, 9);
    assert!(err.message.contains("merge key"), "{}", err.message);
}

#[test]
fn deep_input_is_an_error_not_a_crash() {
    let flow = "[".repeat(100_000);
    let err = parse(&flow, 0).unwrap_err();
    assert!(err.message.contains("128"), "{}", err.message);
    assert!((128..=131).contains(&err.span.start), "{}", err.span.start);
    let mut block = String::new();
    for i in 0..3000 {
        block.push_str(&" ".repeat(i));
        block.push_str("a:\n");
    }
    assert!(parse(&block, 0).is_err());
    let mut seq = String::new();
    for _ in 0..100_000 {
        seq.push_str("- ");
    }
    seq.push_str("x\n");
    assert!(parse(&seq, 0).is_err());
    // Exactly at the limit is fine.
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(&ok, 0).is_ok());
    // Aliases cannot nest deeper than the limit either.
    let deep = "[".repeat(100);
    let close = "]".repeat(100);
    let text = format!("a: &a {deep}{close}\nb: {deep}*a{close}\n");
    assert!(parse(&text, 0).is_err());
}

#[test]
fn billion_laughs_is_rejected_quickly() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let t = std::time::Instant::now();
    let err = parse(&text, 0).unwrap_err();
    assert!(err.message.contains("budget"), "{}", err.message);
    assert!(err.span.start > 0);
    assert!(t.elapsed().as_secs() < 5);
}

#[test]
fn bom_crlf_empty_and_multi_document() {
    let text = "\u{feff}a: b\r\nc: d\r\n";
    let root = one(text);
    let c = root.entry("c").unwrap();
    assert_eq!(slice(text, c.key_span), "c");
    assert_eq!(slice(text, c.value.span), "d");
    assert!(parse("", 0).unwrap().is_empty());
    assert!(parse("# only a comment\n", 0).unwrap().is_empty());
    let docs = parse("a: 1\n---\nb: 2\n", 0).unwrap();
    assert_eq!(docs.len(), 2);
    assert!(docs[1].get("b").is_some());
}

#[test]
fn syntax_errors_are_located() {
    let err = parse("a: [1, 2\nb: 3\n", 0).unwrap_err();
    assert!(err.span.start > 0);
    let err = parse("a: \"open\n", 0).unwrap_err();
    assert!(!err.message.is_empty());
}
