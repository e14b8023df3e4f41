//! Every built-in system validates, its points sum, its example scores, and the seed is reproduced.

use jixiao::{Lang, builtins};

#[test]
fn every_builtin_validates_and_scores_its_example() {
    assert!(builtins().len() >= 3);
    for b in builtins() {
        let system = b.system().unwrap_or_else(|e| panic!("{}: {e}", b.id));
        assert_eq!(system.id, b.id, "file id and registry id differ");
        assert!(system.source.is_some(), "{}: a built-in cites its source", b.id);
        let scorer = b.scorer().unwrap_or_else(|e| panic!("{}: {e}", b.id));
        let inputs = b.example_inputs().unwrap_or_else(|e| panic!("{}: {e}", b.id));
        let e = scorer.evaluate(&inputs).unwrap_or_else(|e| panic!("{}: {e}", b.id));
        assert!(e.total <= e.full_points, "{}", b.id);
        assert!(!e.explain(Lang::Zh).is_empty());
        assert_eq!(
            system.total_points.map(|p| p.value()),
            Some(e.full_points),
            "{}: points sum to the stated total",
            b.id
        );
    }
}

/// What users read as a built-in's source (the page's 来源与说明, `jixiao show`): Chinese, naming
/// an official document (《…》 with its 文号 where known, or the issuing body's table), and no
/// address of a document-sharing site (those are kept for maintainers in systems/SOURCES.md).
#[test]
fn every_builtin_cites_an_official_document_in_chinese_without_reposting_sites() {
    for b in builtins() {
        let system = b.system().unwrap_or_else(|e| panic!("{}: {e}", b.id));
        let source = system.source.as_deref().unwrap_or_default();
        assert!(
            source.contains('《') || source.contains('“'),
            "{}: the document is named: {source}",
            b.id
        );
        assert!(
            cites_wen_hao(source),
            "{}: a 文号 (财预〔2013〕53号 …) is cited: {source}",
            b.id
        );
        let latin: String = source
            .split(|c: char| c.is_whitespace() || "、，；：（）".contains(c))
            .filter(|w| !w.starts_with("http"))
            .collect::<String>();
        assert!(
            !latin.chars().any(|c| c.is_ascii_alphabetic()),
            "{}: Chinese, no English words: {source}",
            b.id
        );
        for word in source.split(|c: char| c.is_whitespace() || "、，；（）".contains(c)) {
            if word.contains("http") || word.contains(".com") || word.contains(".net") {
                assert!(word.contains(".gov.cn/"), "{}: a reposting site cited: {word}", b.id);
            }
        }
        for note in &system.notes {
            for site in ["51dongshi", "yzwku", "wenku365", "wanglu.net"] {
                assert!(!note.contains(site), "{}: a reposting site in a note: {note}", b.id);
            }
        }
    }
}

/// Whether `text` cites a document number: 〔year〕n号.
fn cites_wen_hao(text: &str) -> bool {
    text.split('〔').skip(1).any(|rest| {
        let Some((year, after)) = rest.split_once('〕') else {
            return false;
        };
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        year.len() == 4
            && year.chars().all(|c| c.is_ascii_digit())
            && !digits.is_empty()
            && after.strip_prefix(digits.as_str()).is_some_and(|r| r.starts_with('号'))
    })
}

#[test]
fn the_seed_report_is_reproduced() {
    let b = jixiao::builtin("xiangxi-commerce-2019").unwrap();
    let e = b.scorer().unwrap().evaluate(&b.example_inputs().unwrap()).unwrap();
    assert_eq!(e.total.to_string(), "91.73");
    assert_eq!(&*e.grade, "优秀");
    let completion = e.indicator("2.1.1").unwrap();
    assert_eq!(
        (
            &*completion.name,
            completion.score.to_string(),
            completion.points.to_string()
        ),
        ("预算完成率", "2.00".into(), "5".into())
    );
    let adjustment = e.indicator("2.1.2").unwrap();
    assert_eq!(
        (&*adjustment.name, adjustment.score.to_string()),
        ("预算调整率", "0.00".into())
    );
    assert!(
        completion.explain(Lang::Zh).contains("82.39%"),
        "{}",
        completion.explain(Lang::Zh)
    );
}

#[test]
fn the_json_layer_lists_builtins_and_describes_a_system_for_a_form() {
    let list: serde_json::Value = serde_json::from_str(&jixiao::wire::builtins_json()).unwrap();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, builtins().iter().map(|b| b.id).collect::<Vec<_>>());
    // The listing reads only the metadata; it is the system's own.
    for (entry, b) in list.as_array().unwrap().iter().zip(builtins()) {
        let s = b.system().unwrap();
        assert_eq!(entry["name"], s.name.as_str());
        assert_eq!(entry["name_en"].as_str(), s.name_en.as_deref());
        assert_eq!(entry["issuer"].as_str(), s.issuer.as_deref());
        assert_eq!(entry["region"].as_str(), s.region.as_deref());
        assert_eq!(entry["year"].as_u64(), s.year.map(u64::from));
    }
    let b = jixiao::builtin("hunan-dept").unwrap();
    let info: serde_json::Value =
        serde_json::from_str(&jixiao::wire::system_info_json(b.text(), Lang::Zh).unwrap()).unwrap();
    assert_eq!(info["total_points"], "100");
    let input = |name: &str| {
        info["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(input("编制数")["unit"], "人");
    assert_eq!(input("编制数")["required"], true);
    assert_eq!(input("有新建楼堂馆所项目")["kind"], "boolean");
    assert_eq!(input("有新建楼堂馆所项目")["required"], false);
    assert_eq!(input("基础信息完善程度")["levels"].as_array().unwrap().len(), 3);
    assert_eq!(input("满意度")["max"], "1");
    let row = info["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "2.1.2")
        .unwrap()
        .clone();
    assert!(
        row["standard"].as_str().unwrap().contains("0—10%（含）的，计4分"),
        "{row}"
    );
}

#[test]
fn builtin_texts_are_the_files_byte_for_byte() {
    // The texts are compiled in with include_str!: what comes out must be the committed file, and
    // every file in systems/ must be registered.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("systems");
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let Some(id) = name.strip_suffix(".json").filter(|id| !id.ends_with(".example")) else {
            continue;
        };
        files += 1;
        let b = jixiao::builtin(id).unwrap_or_else(|| panic!("systems/{name} is not registered"));
        assert_eq!(b.text(), std::fs::read_to_string(&path).unwrap(), "{id}");
        let example = dir.join(format!("{id}.example.json"));
        assert_eq!(b.example(), std::fs::read_to_string(&example).unwrap(), "{id}");
        // One copy: every call returns the same static text.
        assert!(std::ptr::eq(b.text(), b.text()), "{id} has one text");
    }
    assert_eq!(files, builtins().len());
}
