//! Workload W, the built-in system `hunan-dept` (部门整体支出绩效评价指标表（湖南省）): the typed base
//! data of one department, a generator of realistic varied departments, and the system's scoring
//! written by hand with rust_decimal — the plain-code baseline the rules engine is measured against.
//!
//! [`score_by_hand`] forms each score from the same decimal operations as the engine, in the same
//! order (each metric as its expression reads, `gap / step` before multiplying by the points per
//! step, subtotals summed child by child), so its scores equal the engine's to the last digit. Like
//! the engine it uses overflow-checked arithmetic (`checked_*`, `None` on overflow or a zero
//! divisor). Unlike the engine it checks nothing it is not given as a type (it takes the inputs to
//! lie in their declared ranges), returns at the first error instead of naming it, skips a metric
//! whose leaf does not need it (the building ratios without a new building, 质量达标率 with no task
//! done) where the engine's not-applicable rule or `if` guards the same division, and builds no
//! explanation data. [`score_by_hand_tuned`] is the same with the divisions that a comparison makes
//! unnecessary left out: the practical limit for W.

use jixiao::{Decimal, InputValue, Inputs, InputsBuilder, Scorer};

use crate::Lcg;

/// Number of leaf indicators of hunan-dept.
pub const HUNAN_LEAVES: usize = 24;

/// The leaf indicators of hunan-dept in the system's pre-order, as [`HandScores::leaves`] holds them.
pub const HUNAN_LEAF_IDS: [&str; HUNAN_LEAVES] = [
    "1.1.1", "1.1.2", "2.1.1", "2.1.2", "2.1.3", "2.1.4", "2.2.1", "2.2.2", "2.2.3", "2.2.4", "2.2.5", "2.2.6",
    "2.2.7", "2.3.1", "2.3.2", "2.3.3", "3.1.1", "3.1.2", "3.1.3", "3.1.4", "4.1.1", "4.1.2", "4.1.3", "4.1.4",
];

/// Items of the checklist input 预算管理制度, in declaration order: the three points of 管理制度健全性
/// in 财预〔2013〕53号 (made / lawful and complete / carried out).
pub const BUDGET_RULE_ITEMS: [&str; 3] = [
    "已制定或具有相关管理制度",
    "相关管理制度合法合规完整",
    "相关管理制度得到有效执行",
];

/// Items of the checklist input 预决算公开, in declaration order.
pub const DISCLOSURE_ITEMS: [&str; 4] = ["公开部门预算", "公开部门决算", "公开“三公经费”", "按规定时限公开"];

/// Items of the checklist input 资产管理制度, in declaration order: the same three points of 53号.
pub const ASSET_RULE_ITEMS: [&str; 3] = BUDGET_RULE_ITEMS;

/// The level input 基础信息完善程度.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfoLevel {
    /// 完善: full points.
    Complete,
    /// 基本完善: 60% of the points.
    Basic,
    /// 不完善: nothing.
    Incomplete,
}

impl InfoLevel {
    /// The level's name as the system declares it.
    pub fn name(self) -> &'static str {
        match self {
            InfoLevel::Complete => "完善",
            InfoLevel::Basic => "基本完善",
            InfoLevel::Incomplete => "不完善",
        }
    }
}

/// The levels of 经济效益, 社会效益 and 生态效益.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attainment {
    /// 达成: 80%–100% of the points, 100% when no score is given.
    Achieved,
    /// 部分达成: 50% (inclusive) to 80% (exclusive); a score is required.
    Partly,
    /// 未达成: 0 to 50% (exclusive); a score is required.
    Missed,
}

impl Attainment {
    /// The level's name as the system declares it.
    pub fn name(self) -> &'static str {
        match self {
            Attainment::Achieved => "达成",
            Attainment::Partly => "部分达成",
            Attainment::Missed => "未达成",
        }
    }
}

/// A qualitative result: the level and, optionally, the evaluator's score (in points) in its band.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Benefit {
    /// The level reached.
    pub level: Attainment,
    /// The score chosen inside the level's band.
    pub score: Option<Decimal>,
}

/// The base data (基础数据表) of one department for hunan-dept: 38 of the system's 39 inputs, typed
/// (政策性追加数 is left to its default 0, the table's own formula 本年追加 / 年初预算).
///
/// Amounts are in 万元, areas in 平方米, rates as ratios (0.95 for 95%).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HunanUnit {
    /// 编制数 (人).
    pub staff_quota: u32,
    /// 在职人员数 (人).
    pub staff_on_post: u32,
    /// 本年三公经费预算数.
    pub three_public_budget: Decimal,
    /// 上年三公经费预算数.
    pub three_public_budget_last_year: Decimal,
    /// 本年三公经费实际支出数.
    pub three_public_spent: Decimal,
    /// 上年结转.
    pub carried_over: Decimal,
    /// 年初预算.
    pub initial_budget: Decimal,
    /// 本年追加.
    pub added_budget: Decimal,
    /// 年末结余.
    pub year_end_balance: Decimal,
    /// 有新建楼堂馆所项目.
    pub has_new_building: bool,
    /// 楼堂馆所批准面积 (平方米).
    pub building_approved_area: Decimal,
    /// 楼堂馆所实际面积 (平方米).
    pub building_actual_area: Decimal,
    /// 楼堂馆所批准概算.
    pub building_approved_investment: Decimal,
    /// 楼堂馆所实际投资.
    pub building_actual_investment: Decimal,
    /// 公用经费预算数.
    pub public_budget: Decimal,
    /// 公用经费实际支出数.
    pub public_spent: Decimal,
    /// 政府采购预算数 (0: no procurement budget).
    pub procurement_budget: Decimal,
    /// 政府采购实际金额.
    pub procurement_spent: Decimal,
    /// 预算管理制度: which of [`BUDGET_RULE_ITEMS`] are in place.
    pub budget_rules: [bool; 3],
    /// 违规使用资金事项.
    pub fund_violations: u32,
    /// 预决算公开: which of [`DISCLOSURE_ITEMS`] are done.
    pub disclosure: [bool; 4],
    /// 基础信息完善程度.
    pub basic_info: InfoLevel,
    /// 资产管理制度: which of [`ASSET_RULE_ITEMS`] are in place.
    pub asset_rules: [bool; 3],
    /// 资产管理问题数.
    pub asset_issues: u32,
    /// 固定资产总额.
    pub fixed_assets: Decimal,
    /// 在用固定资产.
    pub fixed_assets_in_use: Decimal,
    /// 出租出借固定资产.
    pub fixed_assets_lent: Decimal,
    /// 计划工作任务数 (项, at least 1).
    pub tasks_planned: u32,
    /// 实际完成工作任务数 (项).
    pub tasks_done: u32,
    /// 按时完成工作任务数 (项).
    pub tasks_on_time: u32,
    /// 质量达标工作任务数 (项).
    pub tasks_up_to_standard: u32,
    /// 重点工作数 (项).
    pub key_tasks: u32,
    /// 重点工作办结数 (项).
    pub key_tasks_done: u32,
    /// 经济效益.
    pub economic: Benefit,
    /// 社会效益.
    pub social: Benefit,
    /// 涉及生态效益 (false: 生态效益 does not apply and scores full points).
    pub ecology_relevant: bool,
    /// 生态效益.
    pub ecological: Benefit,
    /// 满意度 (a ratio in [0, 1]).
    pub satisfaction: Decimal,
}

fn items(names: &[&str], present: &[bool]) -> InputValue {
    InputValue::Items(
        names
            .iter()
            .zip(present)
            .filter(|(_, p)| **p)
            .map(|(n, _)| (*n).to_string())
            .collect(),
    )
}

fn benefit_input(b: Benefit) -> InputValue {
    InputValue::Level {
        level: b.level.name().to_string(),
        score: b.score,
    }
}

/// The names of the 38 inputs a [`HunanUnit`] gives, in the order of [`HunanUnit::input_values`].
pub const HUNAN_INPUT_NAMES: [&str; 38] = [
    "编制数",
    "在职人员数",
    "本年三公经费预算数",
    "上年三公经费预算数",
    "本年三公经费实际支出数",
    "上年结转",
    "年初预算",
    "本年追加",
    "年末结余",
    "有新建楼堂馆所项目",
    "楼堂馆所批准面积",
    "楼堂馆所实际面积",
    "楼堂馆所批准概算",
    "楼堂馆所实际投资",
    "公用经费预算数",
    "公用经费实际支出数",
    "政府采购预算数",
    "政府采购实际金额",
    "预算管理制度",
    "违规使用资金事项",
    "预决算公开",
    "基础信息完善程度",
    "资产管理制度",
    "资产管理问题数",
    "固定资产总额",
    "在用固定资产",
    "出租出借固定资产",
    "计划工作任务数",
    "实际完成工作任务数",
    "按时完成工作任务数",
    "质量达标工作任务数",
    "重点工作数",
    "重点工作办结数",
    "经济效益",
    "社会效益",
    "涉及生态效益",
    "生态效益",
    "满意度",
];

impl HunanUnit {
    /// The engine's inputs for this unit: the 38 typed inputs (政策性追加数 left to its default 0).
    pub fn to_inputs(&self) -> Inputs {
        let mut i = Inputs::new();
        for (name, value) in HUNAN_INPUT_NAMES.into_iter().zip(self.input_values()) {
            i.set(name, value);
        }
        i
    }

    /// Fills `builder` with this unit's inputs by slot, numbers without going through text: the
    /// engine's own typed entry (as a batch from typed columns uses it), the like-for-like of a
    /// peer engine's typed request.
    pub fn fill(&self, builder: &mut InputsBuilder<'_>, slots: &HunanSlots) {
        for (&slot, value) in slots.0.iter().zip(self.input_values()) {
            match value {
                InputValue::Number(d) => builder.set_number(slot, d),
                other => builder.set(slot, &other),
            }
        }
    }

    /// The values of the 38 inputs, in the order of [`HUNAN_INPUT_NAMES`].
    pub fn input_values(&self) -> [InputValue; 38] {
        let count = |n: u32| InputValue::Number(Decimal::from(n));
        [
            count(self.staff_quota),
            count(self.staff_on_post),
            self.three_public_budget.into(),
            self.three_public_budget_last_year.into(),
            self.three_public_spent.into(),
            self.carried_over.into(),
            self.initial_budget.into(),
            self.added_budget.into(),
            self.year_end_balance.into(),
            InputValue::Bool(self.has_new_building),
            self.building_approved_area.into(),
            self.building_actual_area.into(),
            self.building_approved_investment.into(),
            self.building_actual_investment.into(),
            self.public_budget.into(),
            self.public_spent.into(),
            self.procurement_budget.into(),
            self.procurement_spent.into(),
            items(&BUDGET_RULE_ITEMS, &self.budget_rules),
            count(self.fund_violations),
            items(&DISCLOSURE_ITEMS, &self.disclosure),
            InputValue::Text(self.basic_info.name().to_string()),
            items(&ASSET_RULE_ITEMS, &self.asset_rules),
            count(self.asset_issues),
            self.fixed_assets.into(),
            self.fixed_assets_in_use.into(),
            self.fixed_assets_lent.into(),
            count(self.tasks_planned),
            count(self.tasks_done),
            count(self.tasks_on_time),
            count(self.tasks_up_to_standard),
            count(self.key_tasks),
            count(self.key_tasks_done),
            benefit_input(self.economic),
            benefit_input(self.social),
            InputValue::Bool(self.ecology_relevant),
            benefit_input(self.ecological),
            self.satisfaction.into(),
        ]
    }
}

/// The engine's input slot of each of a [`HunanUnit`]'s 38 inputs, looked up once by name.
#[derive(Debug, Clone)]
pub struct HunanSlots(Vec<usize>);

impl HunanSlots {
    /// The slots in `scorer` (hunan-dept), or the first name it does not declare.
    pub fn new(scorer: &Scorer) -> Result<HunanSlots, &'static str> {
        HUNAN_INPUT_NAMES
            .iter()
            .map(|name| scorer.input_slot(name).ok_or(*name))
            .collect::<Result<Vec<_>, _>>()
            .map(HunanSlots)
    }
}

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

/// `amount × per_mille / 1000`, rounded to 分 (2 decimals of 万元 here).
fn per_mille_of(amount: Decimal, per_mille: i64) -> Decimal {
    (amount * Decimal::new(per_mille, 3)).round_dp(2)
}

/// A whole number `n × percent / 100`, rounded down.
fn part(n: u32, percent: i64) -> u32 {
    u32::try_from(i64::from(n) * percent / 100).unwrap_or(0)
}

fn whole(rng: &mut Lcg, lo: i64, hi: i64) -> u32 {
    u32::try_from(rng.range(lo, hi)).unwrap_or(0)
}

fn flags<const N: usize>(rng: &mut Lcg, percent: u32) -> [bool; N] {
    let mut out = [false; N];
    for f in &mut out {
        *f = rng.chance(percent);
    }
    out
}

/// A qualitative result; `weak` units miss their targets more often.
fn benefit(rng: &mut Lcg, weak: bool) -> Benefit {
    let roll = rng.range(0, 99);
    let (achieved, partly) = if weak { (40, 75) } else { (80, 96) };
    // Scores in hundredths of a point out of 2 points: 达成 [1.60, 2.00], 部分达成 [1.00, 1.60),
    // 未达成 [0, 1.00) — band edges included.
    if roll < achieved {
        let score = rng.chance(50).then(|| rng.decimal(160, 200, 2));
        Benefit {
            level: Attainment::Achieved,
            score,
        }
    } else if roll < partly {
        Benefit {
            level: Attainment::Partly,
            score: Some(rng.decimal(100, 159, 2)),
        }
    } else {
        Benefit {
            level: Attainment::Missed,
            score: Some(rng.decimal(0, 99, 2)),
        }
    }
}

/// One department for hunan-dept, varied by `rng`. Every unit evaluates without error.
///
/// About one department in eight is run poorly (`weak`): more staff over quota, overspending,
/// larger balances, missing rules and more findings, so that every grade occurs.
pub fn hunan_dept_unit(rng: &mut Lcg) -> HunanUnit {
    let weak = rng.chance(12);

    // 在职人员控制率 around 100% (proportional: 0.5 per point above, all 5 lost at 110%).
    let staff_quota = whole(rng, 6, 260);
    let staff_on_post = if rng.chance(8) {
        staff_quota
    } else {
        part(staff_quota, if weak { rng.range(95, 125) } else { rng.range(85, 103) })
    };

    // 三公经费: 变动率 around 0 (0.8 per point above, all 8 lost at +10%), 控制率 around 100%.
    let three_public_budget_last_year = if rng.chance(4) {
        Decimal::ZERO
    } else {
        rng.decimal(300, 12_000, 2)
    };
    let three_public_budget = if three_public_budget_last_year.is_zero() {
        if rng.chance(50) {
            Decimal::ZERO
        } else {
            rng.decimal(300, 4_000, 2)
        }
    } else if rng.chance(10) {
        three_public_budget_last_year
    } else {
        let per_mille = if weak {
            rng.range(900, 1_200)
        } else {
            rng.range(780, 1_030)
        };
        per_mille_of(three_public_budget_last_year, per_mille)
    };
    let three_public_spent = if three_public_budget.is_zero() {
        if rng.chance(50) {
            Decimal::ZERO
        } else {
            rng.decimal(10, 500, 2)
        }
    } else {
        let per_mille = if weak {
            rng.range(950, 1_150)
        } else {
            rng.range(800, 1_020)
        };
        per_mille_of(three_public_budget, per_mille)
    };

    // Budget execution: 预算控制率 across its tiers (exactly 0, 10%, 20% and 30% included) and
    // 预算完成率 in whole 5% steps (exactly 95% and 90% included).
    let carried_over = if rng.chance(20) {
        Decimal::ZERO
    } else {
        rng.decimal(0, 150_000, 2)
    };
    let (initial_budget, added_budget) = match rng.range(0, 19) {
        0..=2 => (rng.decimal(30_000, 3_000_000, 2), Decimal::ZERO),
        3..=4 => {
            // Whole tens of 万元, so that 10%, 20% or 30% of it is exact.
            let initial = Decimal::new(rng.range(30, 3_000) * 1_000, 2);
            (initial, initial * Decimal::new(rng.range(1, 3), 1))
        }
        _ => {
            let initial = rng.decimal(30_000, 3_000_000, 2);
            let per_mille = if weak { rng.range(0, 500) } else { rng.range(1, 250) };
            (initial, per_mille_of(initial, per_mille))
        }
    };
    let funds = carried_over + initial_budget + added_budget;
    let year_end_balance = match rng.range(0, 19) {
        0..=1 => Decimal::ZERO,
        // Exactly 5% or 10% left: to the 元 (4 decimals of 万元).
        2 => funds * Decimal::new(rng.range(1, 2) * 5, 2),
        _ => per_mille_of(funds, if weak { rng.range(0, 320) } else { rng.range(0, 110) }),
    };

    // New buildings: 面积/概算控制率 around 100% in whole 5% steps (2 per step above).
    let has_new_building = rng.chance(if weak { 25 } else { 12 });
    let (building_approved_area, building_actual_area, building_approved_investment, building_actual_investment) =
        if has_new_building {
            // Whole multiples of 20 m², so that every whole percentage of it is exact.
            let area = Decimal::from(rng.range(40, 1_500) * 20);
            let actual_area = area * Decimal::new(rng.range(90, 126), 2);
            let investment = rng.decimal(20_000, 2_000_000, 2);
            let actual_investment = per_mille_of(investment, rng.range(880, 1_180));
            (area, actual_area, investment, actual_investment)
        } else {
            (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO)
        };

    // 公用经费控制率 around 100% (0.5 per point above).
    let public_budget = rng.decimal(4_000, 300_000, 2);
    let public_spent = per_mille_of(
        public_budget,
        if weak {
            rng.range(950, 1_150)
        } else {
            rng.range(880, 1_030)
        },
    );

    // 政府采购执行率 away from 100% either way costs 0.1 per point; no procurement budget scores full
    // points.
    let (procurement_budget, procurement_spent) = if rng.chance(20) {
        (Decimal::ZERO, Decimal::ZERO)
    } else {
        let budget = rng.decimal(2_000, 500_000, 2);
        (
            budget,
            per_mille_of(
                budget,
                if weak {
                    rng.range(300, 900)
                } else {
                    rng.range(700, 1_050)
                },
            ),
        )
    };

    let budget_rules = flags(rng, if weak { 55 } else { 90 });
    let fund_violations = match (weak, rng.range(0, 9)) {
        (false, 0..=7) => 0,
        (false, _) => whole(rng, 1, 2),
        (true, _) => whole(rng, 0, 6),
    };
    let disclosure = flags(rng, if weak { 60 } else { 92 });
    let basic_info = match (weak, rng.range(0, 19)) {
        (false, 0..=15) | (true, 0..=7) => InfoLevel::Complete,
        (false, 16..=18) | (true, 8..=15) => InfoLevel::Basic,
        _ => InfoLevel::Incomplete,
    };
    let asset_rules = flags(rng, if weak { 60 } else { 90 });
    let asset_issues = match (weak, rng.range(0, 9)) {
        (false, 0..=8) => 0,
        (false, _) => 1,
        (true, _) => whole(rng, 0, 5),
    };

    // 固定资产利用率 below 100% costs 0.2 per point (all 4 lost at 80%); a few above 100%.
    let fixed_assets = rng.decimal(5_000, 8_000_000, 2);
    let fixed_assets_lent = if rng.chance(25) {
        per_mille_of(fixed_assets, rng.range(1, 50))
    } else {
        Decimal::ZERO
    };
    let in_use_per_mille = if weak {
        rng.range(700, 1_000)
    } else {
        rng.range(880, 1_010)
    };
    let fixed_assets_in_use = (per_mille_of(fixed_assets, in_use_per_mille) - fixed_assets_lent).max(Decimal::ZERO);

    // Work tasks: rates are clamped to 100%, so some departments over-fulfil their plan.
    let tasks_planned = whole(rng, 5, 120);
    let tasks_done = if rng.chance(1) {
        0
    } else {
        part(
            tasks_planned,
            if weak { rng.range(55, 100) } else { rng.range(80, 110) },
        )
    };
    let tasks_on_time = part(tasks_done, rng.range(75, 100));
    let tasks_up_to_standard = part(tasks_done, rng.range(80, 100));
    let key_tasks = if rng.chance(15) { 0 } else { whole(rng, 1, 25) };
    let key_tasks_done = part(key_tasks, if weak { rng.range(50, 100) } else { rng.range(80, 100) });

    let economic = benefit(rng, weak);
    let social = benefit(rng, weak);
    let ecological = benefit(rng, weak);
    // 满意度 as a percentage to 2 decimals, or 满意人数 / 调查人数 of a survey of 200, 400 or 800
    // people (exact to 5 decimals, so that some totals land exactly on a rounding midpoint).
    let (lo, hi) = if weak { (550, 950) } else { (800, 1_000) };
    let satisfaction = if rng.chance(30) {
        let surveyed = 200 << rng.range(0, 2);
        let satisfied = surveyed * rng.range(lo, hi) / 1_000;
        Decimal::from(satisfied)
            .checked_div(Decimal::from(surveyed))
            .unwrap_or_default()
    } else {
        rng.decimal(lo * 10, hi * 10, 4)
    };

    // Drawn last, so that the other figures of a seed's units stay as they were.
    let ecology_relevant = !rng.chance(30);

    HunanUnit {
        staff_quota,
        staff_on_post,
        three_public_budget,
        three_public_budget_last_year,
        three_public_spent,
        carried_over,
        initial_budget,
        added_budget,
        year_end_balance,
        has_new_building,
        building_approved_area,
        building_actual_area,
        building_approved_investment,
        building_actual_investment,
        public_budget,
        public_spent,
        procurement_budget,
        procurement_spent,
        budget_rules,
        fund_violations,
        disclosure,
        basic_info,
        asset_rules,
        asset_issues,
        fixed_assets,
        fixed_assets_in_use,
        fixed_assets_lent,
        tasks_planned,
        tasks_done,
        tasks_on_time,
        tasks_up_to_standard,
        key_tasks,
        key_tasks_done,
        economic,
        social,
        ecology_relevant,
        ecological,
        satisfaction,
    }
}

/// `n` varied departments for hunan-dept with their engine inputs, the same for the same `seed`.
pub fn hunan_dept_units(n: usize, seed: u64) -> Vec<(HunanUnit, Inputs)> {
    let mut rng = Lcg::new(seed);
    (0..n)
        .map(|_| {
            let unit = hunan_dept_unit(&mut rng);
            let inputs = unit.to_inputs();
            (unit, inputs)
        })
        .collect()
}

/// The engine inputs of [`hunan_dept_units`] alone.
pub fn hunan_dept_inputs(n: usize, seed: u64) -> Vec<Inputs> {
    hunan_dept_units(n, seed)
        .into_iter()
        .map(|(_, inputs)| inputs)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Scoring by hand
// ---------------------------------------------------------------------------------------------

/// The scores of one department computed by [`score_by_hand`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandScores {
    /// Every leaf indicator's score, in the order of [`HUNAN_LEAF_IDS`].
    pub leaves: [Decimal; HUNAN_LEAVES],
    /// 综合得分, rounded half up to 2 decimals.
    pub total: Decimal,
    /// 评价等次: 优 (≥ 90), 良 (≥ 80), 中 (≥ 60) or 差.
    pub grade: &'static str,
}

/// `mantissa × 10^-scale`, usable in constants; written as the system file writes the value, so
/// that every operation sees the same decimal as in the engine ("100%" is 1.00, "5%" is 0.05).
const fn dec(mantissa: u32, scale: u32) -> Decimal {
    Decimal::from_parts(mantissa, 0, 0, false, scale)
}

const PCT_100: Decimal = dec(100, 2);
const PCT_1: Decimal = dec(1, 2);
const PCT_5: Decimal = dec(5, 2);
const PCT_10: Decimal = dec(10, 2);
const PCT_20: Decimal = dec(20, 2);
const PCT_30: Decimal = dec(30, 2);
const PCT_50: Decimal = dec(50, 2);
const PCT_60: Decimal = dec(60, 2);
const PCT_80: Decimal = dec(80, 2);
const PCT_90: Decimal = dec(90, 2);
const HALF_POINT: Decimal = dec(5, 1);
const POINT_8: Decimal = dec(8, 1);
const POINT_1: Decimal = dec(1, 1);
const POINT_2: Decimal = dec(2, 1);
const TWO: Decimal = dec(2, 0);
const THREE: Decimal = dec(3, 0);
const FOUR: Decimal = dec(4, 0);
const FIVE: Decimal = dec(5, 0);
const EIGHT: Decimal = dec(8, 0);
const HALF_CENT: Decimal = dec(5, 3);
const CENT: Decimal = dec(1, 2);

/// `points − steps × deduct`, 扣完为止: the deduction is kept within [0, points].
fn deduct_steps(points: Decimal, steps: Decimal, deduct: Decimal) -> Option<Decimal> {
    let deduction = steps.checked_mul(deduct)?;
    Some(if deduction > points {
        Decimal::ZERO
    } else {
        points - deduction.max(Decimal::ZERO)
    })
}

/// Full points up to `threshold`; 每超过 `step` 扣 `deduct` 分 beyond it (whole steps when `whole`).
fn above(
    v: Decimal,
    threshold: Decimal,
    step: Decimal,
    deduct: Decimal,
    whole: bool,
    points: Decimal,
) -> Option<Decimal> {
    if v <= threshold {
        return Some(points);
    }
    let steps = v.checked_sub(threshold)?.checked_div(step)?;
    deduct_steps(points, if whole { steps.floor() } else { steps }, deduct)
}

/// Full points from `threshold` up; 每低于 `step` 扣 `deduct` 分 below it (whole steps when `whole`).
fn below(
    v: Decimal,
    threshold: Decimal,
    step: Decimal,
    deduct: Decimal,
    whole: bool,
    points: Decimal,
) -> Option<Decimal> {
    if v >= threshold {
        return Some(points);
    }
    let steps = threshold.checked_sub(v)?.checked_div(step)?;
    deduct_steps(points, if whole { steps.floor() } else { steps }, deduct)
}

/// 得分 = 分值 × 比率, the rate taken within [0, 100%].
fn rate(points: Decimal, v: Decimal) -> Option<Decimal> {
    points.checked_mul(v.max(Decimal::ZERO).min(Decimal::ONE))
}

/// 每项1分: one point per item in place, at most the points.
fn checklist(points: Decimal, present: &[bool]) -> Decimal {
    let n = present.iter().filter(|p| **p).count();
    Decimal::from(n).min(points)
}

/// 每出现一例扣1分, 扣完为止.
fn per_occurrence(points: Decimal, n: u32) -> Decimal {
    let n = Decimal::from(n);
    if n > points { Decimal::ZERO } else { points - n }
}

/// 达成 80%–100% (100% without a score), 部分达成 [50%, 80%), 未达成 [0, 50%) of 2 points; `None`
/// when a required score is missing or a given one lies outside its band.
fn benefit_score(b: Benefit, points: Decimal) -> Option<Decimal> {
    let Some(s) = b.score else {
        return match b.level {
            Attainment::Achieved => points.checked_mul(PCT_100),
            Attainment::Partly | Attainment::Missed => None,
        };
    };
    let share = s.checked_div(points)?;
    let in_band = match b.level {
        Attainment::Achieved => share >= PCT_80 && share <= PCT_100,
        Attainment::Partly => share >= PCT_50 && share < PCT_80,
        Attainment::Missed => share >= Decimal::ZERO && share < PCT_50,
    };
    (in_band && !s.is_sign_negative() && s <= points).then_some(s)
}

/// 评价等次 of a rounded total: 优 (≥ 90), 良 (≥ 80), 中 (≥ 60), else 差.
fn grade_of(total: Decimal) -> &'static str {
    if total >= dec(90, 0) {
        "优"
    } else if total >= dec(80, 0) {
        "良"
    } else if total >= dec(60, 0) {
        "中"
    } else {
        "差"
    }
}

/// A subtotal: the scores added one by one, in order.
fn sum(scores: &[Decimal]) -> Option<Decimal> {
    scores.iter().try_fold(Decimal::ZERO, |acc, s| acc.checked_add(*s))
}

/// Rounds a non-negative total half up (away from zero) to 2 decimals.
fn round_half_up_2(x: Decimal) -> Decimal {
    let cut = x.trunc_with_scale(2);
    if x - cut >= HALF_CENT { cut + CENT } else { cut }
}

/// hunan-dept scored by hand: every metric, leaf, subtotal, the rounded total and the grade.
///
/// The inputs are taken to lie in their declared ranges (amounts and counts ≥ 0, 计划工作任务数 ≥ 1,
/// 满意度 ≤ 100%), as the engine checks before scoring. `None` where the engine reports an error
/// while scoring: a zero divisor the system does not guard (编制数, 年初预算, the funds, 公用经费预算数,
/// 固定资产总额, 计划工作任务数; 批准面积/概算 with a new building; 重点工作数 is guarded by its
/// not-applicable rule, 政府采购预算数 by its own), 预算完成率 outside [0, 100%] (a balance above the
/// funds), a level score outside its band or missing, or an overflow.
pub fn score_by_hand(u: &HunanUnit) -> Option<HandScores> {
    // 1.1.1 在职人员控制率 = 在职人员数 / 编制数: ≤100% 计5分, 每超过一个百分点扣0.5分.
    let staff_rate = Decimal::from(u.staff_on_post).checked_div(Decimal::from(u.staff_quota))?;
    let l111 = above(staff_rate, PCT_100, PCT_1, HALF_POINT, false, FIVE)?;

    // 1.1.2 三公经费变动率: ≤0 计8分, 每超过一个百分点扣0.8分. 上年为0: 本年也为0计0, 否则按100%.
    let (this_year, last_year) = (u.three_public_budget, u.three_public_budget_last_year);
    let change = if last_year.is_zero() {
        if this_year.is_zero() {
            Decimal::ZERO
        } else {
            Decimal::ONE
        }
    } else {
        this_year.checked_sub(last_year)?.checked_div(last_year)?
    };
    let l112 = above(change, Decimal::ZERO, PCT_1, POINT_8, false, EIGHT)?;

    // 2.1.1 预算完成率 = (结转 + 年初 + 追加 − 结余) / (结转 + 年初 + 追加): 每低于5%扣2分 (whole steps).
    let funds = u
        .carried_over
        .checked_add(u.initial_budget)?
        .checked_add(u.added_budget)?;
    let completion = funds.checked_sub(u.year_end_balance)?.checked_div(funds)?;
    if completion < Decimal::ZERO || completion > PCT_100 {
        return None;
    }
    let l211 = below(completion, PCT_100, PCT_5, TWO, true, FIVE)?;

    // 2.1.2 预算控制率 = 本年追加 / 年初预算: =0 计5分; (0,10%] 4分; (10%,20%] 3分; (20%,30%] 2分; >30% 0分.
    let control = u.added_budget.checked_div(u.initial_budget)?;
    let l212 = if control == Decimal::ZERO {
        FIVE
    } else if control > Decimal::ZERO && control <= PCT_10 {
        FOUR
    } else if control > PCT_10 && control <= PCT_20 {
        THREE
    } else if control > PCT_20 && control <= PCT_30 {
        TWO
    } else if control > PCT_30 {
        Decimal::ZERO
    } else {
        // Below zero: the metric's declared minimum is 0.
        return None;
    };

    // 2.1.3 / 2.1.4 楼堂馆所面积/投资概算控制率: 每超出5%扣2分 (whole steps); 没有项目的按满分.
    let (l213, l214) = if u.has_new_building {
        let area = u.building_actual_area.checked_div(u.building_approved_area)?;
        let investment = u
            .building_actual_investment
            .checked_div(u.building_approved_investment)?;
        (
            above(area, PCT_100, PCT_5, TWO, true, FIVE)?,
            above(investment, PCT_100, PCT_5, TWO, true, FIVE)?,
        )
    } else {
        (FIVE, FIVE)
    };

    // 2.2.1 公用经费控制率: 每超过一个百分点扣0.5分.
    let public = u.public_spent.checked_div(u.public_budget)?;
    let l221 = above(public, PCT_100, PCT_1, HALF_POINT, false, FIVE)?;

    // 2.2.2 三公经费控制率: 每超过一个百分点扣0.5分; 预算为0: 无支出计0, 有支出按200%.
    let three_public = if u.three_public_budget.is_zero() {
        if u.three_public_spent.is_zero() {
            Decimal::ZERO
        } else {
            TWO
        }
    } else {
        u.three_public_spent.checked_div(u.three_public_budget)?
    };
    let l222 = above(three_public, PCT_100, PCT_1, HALF_POINT, false, FIVE)?;

    // 2.2.3 政府采购执行偏离度 = |实际 / 预算 − 1|: 每偏离一个百分点扣0.1分; 无政府采购预算的按满分.
    let l223 = if u.procurement_budget.is_zero() {
        FIVE
    } else {
        let deviation = u
            .procurement_spent
            .checked_div(u.procurement_budget)?
            .checked_sub(Decimal::ONE)?
            .abs();
        above(deviation, Decimal::ZERO, PCT_1, POINT_1, false, FIVE)?
    };

    // 2.2.4 – 2.2.7: 制度 (3 points, 每项1分), 违规 (5 points, 每例扣1分), 公开 (每项1分), 基础信息
    // (完善 100%, 基本完善 60%).
    let l224 = checklist(THREE, &u.budget_rules);
    let l225 = per_occurrence(FIVE, u.fund_violations);
    let l226 = checklist(FOUR, &u.disclosure);
    let l227 = match u.basic_info {
        InfoLevel::Complete => FOUR.checked_mul(PCT_100)?,
        InfoLevel::Basic => FOUR.checked_mul(PCT_60)?,
        InfoLevel::Incomplete => FOUR.checked_mul(Decimal::ZERO)?,
    };

    // 2.3.1 资产管理制度 (每项1分), 2.3.2 资产问题 (每例扣1分), 2.3.3 固定资产利用率 (每低于一个百分点扣0.2分).
    let l231 = checklist(THREE, &u.asset_rules);
    let l232 = per_occurrence(THREE, u.asset_issues);
    let utilisation = u
        .fixed_assets_in_use
        .checked_add(u.fixed_assets_lent)?
        .checked_div(u.fixed_assets)?;
    let l233 = below(utilisation, PCT_100, PCT_1, POINT_2, false, FOUR)?;

    // 3.1.1 – 3.1.4: 得分 = 分值 × 率 (at most full points); 无重点工作的按满分.
    let planned = Decimal::from(u.tasks_planned);
    let done = Decimal::from(u.tasks_done);
    let l311 = rate(FOUR, done.checked_div(planned)?)?;
    let l312 = rate(FOUR, Decimal::from(u.tasks_on_time).checked_div(planned)?)?;
    let quality = if done.is_zero() {
        Decimal::ZERO
    } else {
        Decimal::from(u.tasks_up_to_standard).checked_div(done)?
    };
    let l313 = rate(FOUR, quality)?;
    let l314 = if u.key_tasks == 0 {
        FOUR
    } else {
        rate(
            FOUR,
            Decimal::from(u.key_tasks_done).checked_div(Decimal::from(u.key_tasks))?,
        )?
    };

    // 4.1.1 – 4.1.3: 效益 levels of 2 points each (生态效益 full when the department has none);
    // 4.1.4 满意度 ≥ 90% 计满分, 每低1个百分点扣0.2分.
    let l411 = benefit_score(u.economic, TWO)?;
    let l412 = benefit_score(u.social, TWO)?;
    let l413 = if u.ecology_relevant {
        benefit_score(u.ecological, TWO)?
    } else {
        TWO
    };
    let l414 = below(u.satisfaction, PCT_90, PCT_1, POINT_2, false, FOUR)?;

    // Every leaf as the table states it: to 0.01, half up (the system's `rounding.indicator`); the
    // parents are the sums of the stated leaves (表内合计).
    let [
        l111,
        l112,
        l211,
        l212,
        l213,
        l214,
        l221,
        l222,
        l223,
        l224,
        l225,
        l226,
        l227,
        l231,
        l232,
        l233,
        l311,
        l312,
        l313,
        l314,
        l411,
        l412,
        l413,
        l414,
    ] = [
        l111, l112, l211, l212, l213, l214, l221, l222, l223, l224, l225, l226, l227, l231, l232, l233, l311, l312,
        l313, l314, l411, l412, l413, l414,
    ]
    .map(round_half_up_2);

    // Subtotals child by child, then the groups (投入, 产出 and 效果 have one child each) and the total.
    let input = sum(&[l111, l112])?;
    let process = sum(&[
        sum(&[l211, l212, l213, l214])?,
        sum(&[l221, l222, l223, l224, l225, l226, l227])?,
        sum(&[l231, l232, l233])?,
    ])?;
    let output = sum(&[l311, l312, l313, l314])?;
    let effect = sum(&[l411, l412, l413, l414])?;
    let total = round_half_up_2(sum(&[input, process, output, effect])?);
    let grade = grade_of(total);

    Some(HandScores {
        leaves: [
            l111, l112, l211, l212, l213, l214, l221, l222, l223, l224, l225, l226, l227, l231, l232, l233, l311, l312,
            l313, l314, l411, l412, l413, l414,
        ],
        total,
        grade,
    })
}

/// hunan-dept scored by hand as a performance-minded programmer would write it: the practical
/// limit that bounds what any rules engine can reach on W. It gives exactly [`score_by_hand`]'s
/// results (`None` for the same units; tested on 20 000 units) with less work:
///
/// - a rate is compared with its threshold without dividing when the comparison decides the score
///   (在职人员数 ≤ 编制数 is full points; the quotient is formed only when points are deducted), with
///   the divisor checked for zero first, as the engine reports it;
/// - the stated precision with `rescale` (one call, which rounds half away from zero dropping up
///   to nine digits at a time) instead of truncate-and-compare;
/// - the total as the plain sum of the stated leaves (exact decimal addition: the subtotals'
///   grouping does not change it; scores are bounded by their points, so no overflow is possible);
/// - counts compared as integers.
///
/// The divisions it does make are the engine's expressions, in the engine's order, so that the
/// quotient (rounded by rust_decimal at 28 digits) and every score equal the engine's to the last
/// digit.
pub fn score_by_hand_tuned(u: &HunanUnit) -> Option<HandScores> {
    let stated = |x: Decimal| {
        let mut r = x;
        if r.scale() > 2 {
            r.rescale(2);
        }
        r
    };

    // 1.1.1 在职人员控制率 ≤ 100%: full points without the quotient.
    if u.staff_quota == 0 {
        return None;
    }
    let l111 = if u.staff_on_post <= u.staff_quota {
        FIVE
    } else {
        let rate = Decimal::from(u.staff_on_post).checked_div(Decimal::from(u.staff_quota))?;
        above(rate, PCT_100, PCT_1, HALF_POINT, false, FIVE)?
    };

    // 1.1.2 三公经费变动率 ≤ 0 ⇔ 本年 ≤ 上年 (上年 > 0).
    let (this_year, last_year) = (u.three_public_budget, u.three_public_budget_last_year);
    let l112 = if last_year.is_zero() {
        if this_year.is_zero() {
            EIGHT
        } else {
            above(Decimal::ONE, Decimal::ZERO, PCT_1, POINT_8, false, EIGHT)?
        }
    } else if this_year <= last_year {
        EIGHT
    } else {
        let change = this_year.checked_sub(last_year)?.checked_div(last_year)?;
        above(change, Decimal::ZERO, PCT_1, POINT_8, false, EIGHT)?
    };

    // 2.1.1 预算完成率: the quotient is needed (whole 5% steps below 100%), unless nothing is left.
    let funds = u
        .carried_over
        .checked_add(u.initial_budget)?
        .checked_add(u.added_budget)?;
    if funds.is_zero() || u.year_end_balance > funds {
        return None;
    }
    let l211 = if u.year_end_balance.is_zero() {
        FIVE
    } else {
        let completion = funds.checked_sub(u.year_end_balance)?.checked_div(funds)?;
        below(completion, PCT_100, PCT_5, TWO, true, FIVE)?
    };

    // 2.1.2 预算控制率: tiers.
    if u.initial_budget.is_zero() {
        return None;
    }
    let l212 = if u.added_budget.is_zero() {
        FIVE
    } else {
        let control = u.added_budget.checked_div(u.initial_budget)?;
        if control <= PCT_10 {
            FOUR
        } else if control <= PCT_20 {
            THREE
        } else if control <= PCT_30 {
            TWO
        } else {
            Decimal::ZERO
        }
    };

    // 2.1.3 / 2.1.4: within the approved area and estimate is full points.
    let (l213, l214) = if u.has_new_building {
        if u.building_approved_area.is_zero() || u.building_approved_investment.is_zero() {
            return None;
        }
        let within = |actual: Decimal, approved: Decimal| -> Option<Decimal> {
            if actual <= approved {
                Some(FIVE)
            } else {
                above(actual.checked_div(approved)?, PCT_100, PCT_5, TWO, true, FIVE)
            }
        };
        (
            within(u.building_actual_area, u.building_approved_area)?,
            within(u.building_actual_investment, u.building_approved_investment)?,
        )
    } else {
        (FIVE, FIVE)
    };

    // 2.2.1 公用经费控制率 ≤ 100%.
    if u.public_budget.is_zero() {
        return None;
    }
    let l221 = if u.public_spent <= u.public_budget {
        FIVE
    } else {
        above(
            u.public_spent.checked_div(u.public_budget)?,
            PCT_100,
            PCT_1,
            HALF_POINT,
            false,
            FIVE,
        )?
    };

    // 2.2.2 三公经费控制率 ≤ 100%; 预算为0: 无支出满分, 有支出按200% (扣完).
    let l222 = if u.three_public_spent <= u.three_public_budget {
        FIVE
    } else if u.three_public_budget.is_zero() {
        above(TWO, PCT_100, PCT_1, HALF_POINT, false, FIVE)?
    } else {
        let rate = u.three_public_spent.checked_div(u.three_public_budget)?;
        above(rate, PCT_100, PCT_1, HALF_POINT, false, FIVE)?
    };

    // 2.2.3 政府采购执行偏离度: 0 when spent equals budget.
    let l223 = if u.procurement_budget.is_zero() || u.procurement_spent == u.procurement_budget {
        FIVE
    } else {
        let deviation = u
            .procurement_spent
            .checked_div(u.procurement_budget)?
            .checked_sub(Decimal::ONE)?
            .abs();
        above(deviation, Decimal::ZERO, PCT_1, POINT_1, false, FIVE)?
    };

    let l224 = checklist(THREE, &u.budget_rules);
    let l225 = per_occurrence(FIVE, u.fund_violations);
    let l226 = checklist(FOUR, &u.disclosure);
    let l227 = match u.basic_info {
        InfoLevel::Complete => FOUR,
        InfoLevel::Basic => FOUR.checked_mul(PCT_60)?,
        InfoLevel::Incomplete => Decimal::ZERO,
    };

    let l231 = checklist(THREE, &u.asset_rules);
    let l232 = per_occurrence(THREE, u.asset_issues);
    if u.fixed_assets.is_zero() {
        return None;
    }
    let used = u.fixed_assets_in_use.checked_add(u.fixed_assets_lent)?;
    let l233 = if used >= u.fixed_assets {
        FOUR
    } else {
        below(used.checked_div(u.fixed_assets)?, PCT_100, PCT_1, POINT_2, false, FOUR)?
    };

    // 3.1.x: 分值 × 率, full points at or above 100%.
    if u.tasks_planned == 0 {
        return None;
    }
    let share = |part: u32, whole: u32| -> Option<Decimal> {
        if part >= whole {
            Some(FOUR)
        } else {
            rate(FOUR, Decimal::from(part).checked_div(Decimal::from(whole))?)
        }
    };
    let l311 = share(u.tasks_done, u.tasks_planned)?;
    let l312 = share(u.tasks_on_time, u.tasks_planned)?;
    let l313 = if u.tasks_done == 0 {
        Decimal::ZERO
    } else {
        share(u.tasks_up_to_standard, u.tasks_done)?
    };
    let l314 = if u.key_tasks == 0 {
        FOUR
    } else {
        share(u.key_tasks_done, u.key_tasks)?
    };

    let l411 = benefit_score(u.economic, TWO)?;
    let l412 = benefit_score(u.social, TWO)?;
    let l413 = if u.ecology_relevant {
        benefit_score(u.ecological, TWO)?
    } else {
        TWO
    };
    let l414 = if u.satisfaction >= PCT_90 {
        FOUR
    } else {
        below(u.satisfaction, PCT_90, PCT_1, POINT_2, false, FOUR)?
    };

    let leaves = [
        l111, l112, l211, l212, l213, l214, l221, l222, l223, l224, l225, l226, l227, l231, l232, l233, l311, l312,
        l313, l314, l411, l412, l413, l414,
    ]
    .map(stated);
    // Decimal addition of these 2-place scores is exact, so the plain sum of the stated leaves is
    // the sum of the subtotals in any grouping; scores are bounded by their points (no overflow).
    let total = stated(leaves.iter().fold(Decimal::ZERO, |sum, l| sum + l));
    let grade = grade_of(total);
    Some(HandScores { leaves, total, grade })
}
