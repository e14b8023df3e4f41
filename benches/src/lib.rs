//! Benchmark support: the benchmark indicator systems and deterministic, varied inputs for them.
//!
//! The inputs come from a small linear congruential generator, so every run (and every machine)
//! measures the same units without a random-number crate. Decimals are built from integers and a
//! scale, never from binary floats.

use jixiao::{Decimal, InputValue, Inputs};

pub mod hunan;

/// `benches/systems/bench-30.json`: a department-wide table of 31 leaf indicators (steps, tiers,
/// levels, checklists, ratio, rate, per-occurrence, cases, choose-one, formula, manual, a
/// not-applicable row, an excluded row, bonus items and a veto).
pub const BENCH_30: &str = include_str!("../systems/bench-30.json");

/// A 64-bit linear congruential generator (Knuth's MMIX constants); deterministic for a seed.
#[derive(Debug, Clone)]
pub struct Lcg(u64);

impl Lcg {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Lcg(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 32 random bits (the high half of the state, which is the better half of an LCG).
    pub fn next_u32(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        u32::try_from(self.0 >> 32).unwrap_or(u32::MAX)
    }

    /// A whole number in `lo..=hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = u64::try_from(hi - lo).unwrap_or(0).saturating_add(1);
        let offset = u64::from(self.next_u32()) % span;
        lo.saturating_add(i64::try_from(offset).unwrap_or(0))
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.next_u32() % 100 < percent
    }

    /// A decimal `mantissa × 10^-scale` with the mantissa in `lo..=hi`.
    pub fn decimal(&mut self, lo: i64, hi: i64, scale: u32) -> Decimal {
        Decimal::new(self.range(lo, hi), scale)
    }

    /// One of `options` (an empty string when there are none).
    pub fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        let i = usize::try_from(self.next_u32()).unwrap_or(0) % options.len().max(1);
        options.get(i).copied().unwrap_or("")
    }

    /// The subset of `items` kept with probability `percent` each.
    pub fn subset(&mut self, items: &[&str], percent: u32) -> Vec<String> {
        items
            .iter()
            .filter(|_| self.chance(percent))
            .map(|s| s.to_string())
            .collect()
    }
}

/// The levels of every `level` input of bench-30, best first.
const LEVELS: [&str; 3] = ["达成", "部分达成", "未达成"];

/// A level input with, half of the time, a score (in points, out of `points`) inside its band.
fn level(rng: &mut Lcg, points: i64) -> InputValue {
    let level = match rng.range(0, 9) {
        0..=5 => 0,
        6..=8 => 1,
        _ => 2,
    };
    let name = LEVELS.get(level).copied().unwrap_or("达成").to_string();
    if !rng.chance(50) {
        return InputValue::Text(name);
    }
    // Bands in hundredths of the points: 达成 [80, 100], 部分达成 [50, 80), 未达成 [0, 50).
    let (lo, hi) = match level {
        0 => (80, 100),
        1 => (50, 79),
        _ => (0, 49),
    };
    InputValue::Level {
        level: name,
        score: Some(Decimal::new(rng.range(lo, hi) * points, 2)),
    }
}

/// Inputs of one unit (department) for bench-30, varied by `rng`. Every unit evaluates.
pub fn bench_30_unit(rng: &mut Lcg) -> Inputs {
    let mut u = Inputs::new();
    let staff = rng.range(20, 200);
    u.set("编制数", staff);
    u.set("在职人员数", staff * rng.range(92, 112) / 100);
    let last_three = rng.decimal(2_000, 9_000, 2);
    u.set("上年度三公经费预算数", last_three);
    u.set("本年度三公经费预算数", last_three * Decimal::new(rng.range(85, 110), 2));
    u.set("三公经费实际支出数", last_three * Decimal::new(rng.range(80, 112), 2));
    let projects = rng.decimal(50_000, 900_000, 2);
    u.set("项目总支出", projects);
    u.set("重点项目支出", projects * Decimal::new(rng.range(50, 100), 2));
    let carried = rng.decimal(0, 200_000, 2);
    let initial = rng.decimal(100_000, 1_000_000, 2);
    let added = initial * Decimal::new(rng.range(0, 40), 2);
    let available = carried + initial + added;
    let left = if rng.chance(10) {
        Decimal::ZERO
    } else {
        available * Decimal::new(rng.range(0, 30), 2)
    };
    u.set("上年结转", carried);
    u.set("年初预算", initial);
    u.set("本年追加", added.round_dp(2));
    u.set("年末结余", left.round_dp(2));
    if rng.chance(20) {
        u.set("有楼堂馆所项目", true);
        let approved = rng.decimal(1_000, 20_000, 0);
        u.set("楼堂馆所批复面积", approved);
        u.set("楼堂馆所实际面积", approved * Decimal::new(rng.range(90, 115), 2));
    }
    u.set("未按进度专项数", rng.range(0, 4));
    let last_balance = if rng.chance(80) {
        rng.decimal(0, 80_000, 2)
    } else {
        Decimal::ZERO
    };
    u.set("上年结转结余", last_balance);
    u.set("本年结转结余", rng.decimal(0, 90_000, 2));
    u.set("支出预算数", available.round_dp(2));
    let public = rng.decimal(5_000, 30_000, 2);
    u.set("公用经费预算数", public);
    u.set("公用经费实际支出", public * Decimal::new(rng.range(90, 108), 2));
    let procurement = rng.decimal(0, 50_000, 2);
    u.set("政府采购预算数", procurement);
    u.set("政府采购实际金额", procurement * Decimal::new(rng.range(70, 100), 2));
    u.set(
        "管理制度",
        rng.subset(&["财务管理制度", "资产管理制度", "内控制度"], 85),
    );
    u.set("违规问题数", if rng.chance(70) { 0 } else { rng.range(1, 4) });
    u.set(
        "信息公开",
        rng.subset(&["部门预算公开", "部门决算公开", "三公经费公开", "绩效信息公开"], 85),
    );
    // Given as text the way a spreadsheet cell holds it, to exercise item splitting; none of the
    // items is 无 (a blank cell would be an input not given).
    let info = rng.subset(&["基础数据准确", "资料完整", "台账健全", "报送及时"], 80);
    u.set(
        "基础信息",
        if info.is_empty() {
            "无".to_string()
        } else {
            info.join("、")
        },
    );
    u.set("资产制度", rng.subset(&["资产配置制度", "资产处置制度"], 85));
    u.set("资产账实相符", rng.chance(90));
    if rng.chance(15) {
        u.set("资产损失", rng.decimal(1, 5_000, 2));
    }
    let assets = rng.decimal(10_000, 500_000, 2);
    u.set("固定资产总额", assets);
    u.set("在用固定资产", assets * Decimal::new(rng.range(80, 100), 2));
    let planned = rng.range(10, 60);
    let done = planned * rng.range(85, 100) / 100;
    u.set("计划工作数", planned);
    u.set("实际完成工作数", done);
    u.set("按时完成工作数", done * rng.range(85, 100) / 100);
    u.set(
        "质量达标率",
        InputValue::Text(format!("{}%", rng.decimal(7_500, 10_000, 2))),
    );
    let key = rng.range(0, 15);
    u.set("重点工作数", key);
    u.set("办结重点工作数", key * rng.range(80, 100) / 100);
    u.set("绩效目标合理性评价", level(rng, 2));
    u.set("绩效指标明确性评价", level(rng, 3));
    u.set("经济效益评价", level(rng, 4));
    u.set("社会效益评价", level(rng, 4));
    if rng.chance(30) {
        u.set("有生态职能", false);
    } else {
        u.set("生态效益评价", level(rng, 2));
    }
    u.set("协作部门满意度得分", rng.decimal(200, 300, 2));
    u.set("管理对象满意度", rng.decimal(8_000, 10_000, 4));
    u.set("社会公众满意度得分", rng.decimal(280, 400, 2));
    u.set("创新举措数", rng.range(0, 4));
    u.set("获上级表彰", rng.chance(20));
    if rng.chance(3) {
        u.set("发生重大违纪违规", true);
    }
    u
}

/// `n` varied units for bench-30, the same for the same `seed`.
pub fn bench_30_units(n: usize, seed: u64) -> Vec<Inputs> {
    let mut rng = Lcg::new(seed);
    (0..n).map(|_| bench_30_unit(&mut rng)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixiao::Scorer;

    #[test]
    fn bench_30_validates() {
        let scorer = Scorer::from_text(BENCH_30).unwrap();
        let leaves = scorer
            .evaluate(&bench_30_units(1, 1)[0])
            .unwrap()
            .indicators
            .iter()
            .filter(|r| r.is_leaf)
            .count();
        assert_eq!(leaves, 31);
    }

    #[test]
    fn every_generated_unit_evaluates_and_units_vary() {
        let scorer = Scorer::from_text(BENCH_30).unwrap();
        let units = bench_30_units(1000, 42);
        let results = scorer.evaluate_batch(&units);
        let mut totals = std::collections::BTreeSet::new();
        let mut grades = std::collections::BTreeSet::new();
        for (i, r) in results.iter().enumerate() {
            let e = r.as_ref().unwrap_or_else(|e| panic!("unit {i}: {e}"));
            totals.insert(e.total);
            grades.insert(e.grade.to_string());
        }
        assert!(totals.len() > 500, "only {} distinct totals", totals.len());
        assert!(grades.len() >= 3, "grades {grades:?}");
    }

    #[test]
    fn generation_is_deterministic() {
        assert_eq!(bench_30_units(50, 7), bench_30_units(50, 7));
        assert_ne!(bench_30_units(50, 7), bench_30_units(50, 8));
    }

    #[test]
    fn lcg_ranges_are_inclusive_and_bounded() {
        let mut rng = Lcg::new(3);
        let seen: std::collections::BTreeSet<i64> = (0..1000).map(|_| rng.range(-2, 2)).collect();
        assert_eq!(seen.into_iter().collect::<Vec<_>>(), vec![-2, -1, 0, 1, 2]);
        assert_eq!(rng.range(5, 5), 5);
        assert_eq!(rng.range(5, 1), 5);
    }
}
