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
        ("预算完成率", "2".into(), "5".into())
    );
    let adjustment = e.indicator("2.1.2").unwrap();
    assert_eq!(
        (&*adjustment.name, adjustment.score.to_string()),
        ("预算调整率", "0".into())
    );
    assert!(
        completion.explain(Lang::Zh).contains("82.39%"),
        "{}",
        completion.explain(Lang::Zh)
    );
}
