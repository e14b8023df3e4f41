//! The expression language of metrics and conditions.
//!
//! Decimal literals (`0.5`, `95%`), references by name (Unicode identifiers such as `编制数`, or any
//! name in backticks), `+ - * /` (also `×` `÷`), parentheses (also full-width `（）`), unary minus,
//! comparisons (`< <= > >= == !=`, also `= ≤ ≥ ≠`), `and or not` (also `&& || !`), `true`/`false`,
//! strings compared with level inputs (`完成程度 == "达成"`), and the functions `if(cond, a, b)`,
//! `min(a, ...)`, `max(a, ...)`, `abs(x)`, `round(x, n)`.
//!
//! Parsing checks types and resolves names once; evaluation is exact decimal arithmetic with
//! checked operations. `if`, `and` and `or` evaluate lazily, so `if(预算数 == 0, 1, 完成数 / 预算数)`
//! guards its division. Length and nesting are bounded so that a hostile file cannot exhaust the stack.

use std::fmt;

use rust_decimal::Decimal;

use crate::dec::Arith;
use crate::dec::percent_to_ratio;

/// Longest expression accepted, in characters.
pub const MAX_EXPR_CHARS: usize = 4000;
/// Deepest nesting accepted (parentheses, operators and calls together).
pub const MAX_EXPR_DEPTH: usize = 64;
/// Largest number of decimal places `round(x, n)` accepts.
const MAX_ROUND_PLACES: u32 = 28;

/// A parse or type error at a character position (1-based) of an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// 1-based character position.
    pub position: usize,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at position {}: {}", self.position, self.message)
    }
}

fn err<T>(position: usize, message: impl Into<String>) -> Result<T, ExprError> {
    Err(ExprError {
        position,
        message: message.into(),
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(Decimal),
    Str(String),
    Ident(String),
    Quoted(String),
    LParen,
    RParen,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Cmp(CmpOp),
    And,
    Or,
    Not,
    End,
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Num(d) => format!("number `{d}`"),
        Tok::Str(s) => format!("string \"{s}\""),
        Tok::Ident(s) | Tok::Quoted(s) => format!("name `{s}`"),
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::Comma => "`,`".into(),
        Tok::Plus => "`+`".into(),
        Tok::Minus => "`-`".into(),
        Tok::Star => "`*`".into(),
        Tok::Slash => "`/`".into(),
        Tok::Cmp(op) => format!("`{}`", op.symbol()),
        Tok::And => "`and`".into(),
        Tok::Or => "`or`".into(),
        Tok::Not => "`not`".into(),
        Tok::End => "the end of the expression".into(),
    }
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl CmpOp {
    fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }

    pub(crate) fn holds(self, a: Decimal, b: Decimal) -> bool {
        let o = crate::dec::cmp(a, b);
        match self {
            CmpOp::Lt => o.is_lt(),
            CmpOp::Le => o.is_le(),
            CmpOp::Gt => o.is_gt(),
            CmpOp::Ge => o.is_ge(),
            CmpOp::Eq => o.is_eq(),
            CmpOp::Ne => o.is_ne(),
        }
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || matches!(c, '“' | '”' | '《' | '》')
}

fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || matches!(c, '“' | '”' | '《' | '》')
}

fn lex(text: &str) -> Result<Vec<(Tok, usize)>, ExprError> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() > MAX_EXPR_CHARS {
        return err(
            MAX_EXPR_CHARS,
            format!("expression longer than {MAX_EXPR_CHARS} characters"),
        );
    }
    let mut out = Vec::new();
    let mut i = 0usize;
    let at = |i: usize| chars.get(i).copied();
    while let Some(c) = at(i) {
        let pos = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let two = at(i + 1);
        let (tok, len) = match c {
            '(' | '（' => (Tok::LParen, 1),
            ')' | '）' => (Tok::RParen, 1),
            ',' | '，' => (Tok::Comma, 1),
            '+' => (Tok::Plus, 1),
            '-' | '−' => (Tok::Minus, 1),
            '*' | '×' => (Tok::Star, 1),
            '/' | '÷' => (Tok::Slash, 1),
            '<' if two == Some('=') => (Tok::Cmp(CmpOp::Le), 2),
            '<' => (Tok::Cmp(CmpOp::Lt), 1),
            '>' if two == Some('=') => (Tok::Cmp(CmpOp::Ge), 2),
            '>' => (Tok::Cmp(CmpOp::Gt), 1),
            '≤' | '≦' => (Tok::Cmp(CmpOp::Le), 1),
            '≥' | '≧' => (Tok::Cmp(CmpOp::Ge), 1),
            '≠' => (Tok::Cmp(CmpOp::Ne), 1),
            '=' if two == Some('=') => (Tok::Cmp(CmpOp::Eq), 2),
            '=' => (Tok::Cmp(CmpOp::Eq), 1),
            '!' if two == Some('=') => (Tok::Cmp(CmpOp::Ne), 2),
            '!' => (Tok::Not, 1),
            '&' if two == Some('&') => (Tok::And, 2),
            '|' if two == Some('|') => (Tok::Or, 2),
            '"' | '\'' | '`' => {
                let mut j = i + 1;
                let mut s = String::new();
                loop {
                    match at(j) {
                        None => {
                            return err(
                                pos,
                                format!("unterminated {}", if c == '`' { "quoted name" } else { "string" }),
                            );
                        }
                        Some(d) if d == c => break,
                        Some(d) => s.push(d),
                    }
                    j += 1;
                }
                let tok = if c == '`' {
                    if s.trim().is_empty() {
                        return err(pos, "empty quoted name");
                    }
                    Tok::Quoted(s)
                } else {
                    Tok::Str(s)
                };
                (tok, j + 1 - i)
            }
            '0'..='9' | '.' => {
                let mut j = i;
                while matches!(at(j), Some('0'..='9' | '.')) {
                    j += 1;
                }
                let literal: String = chars.get(i..j).map(|s| s.iter().collect()).unwrap_or_default();
                let mut value = match Decimal::from_str_exact(&literal) {
                    Ok(v) if literal != "." && literal.matches('.').count() <= 1 => v,
                    _ => return err(pos, format!("`{literal}` is not a valid decimal number")),
                };
                if matches!(at(j), Some('%' | '％')) {
                    value = match percent_to_ratio(value) {
                        Some(v) => v,
                        None => return err(pos, format!("`{literal}%` has too many decimal places")),
                    };
                    j += 1;
                }
                if at(j).is_some_and(is_ident_continue) {
                    return err(j + 1, "expected an operator after the number");
                }
                (Tok::Num(value), j - i)
            }
            c if is_ident_start(c) => {
                let mut j = i;
                while at(j).is_some_and(is_ident_continue) {
                    j += 1;
                }
                let word: String = chars.get(i..j).map(|s| s.iter().collect()).unwrap_or_default();
                let tok = match word.as_str() {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    _ => Tok::Ident(word),
                };
                (tok, j - i)
            }
            other => return err(pos, format!("unexpected character `{other}`")),
        };
        out.push((tok, pos));
        i += len;
    }
    out.push((Tok::End, chars.len() + 1));
    Ok(out)
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

#[derive(Debug)]
enum Ast {
    Num(Decimal),
    Str(String),
    Bool(bool),
    Name(String),
    Neg(Box<Node>),
    Not(Box<Node>),
    Ar(ArOp, Box<Node>, Box<Node>),
    Cmp(CmpOp, Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    If(Box<Node>, Box<Node>, Box<Node>),
    Min(Vec<Node>),
    Max(Vec<Node>),
    Abs(Box<Node>),
    Round(Box<Node>, u32),
}

#[derive(Debug)]
struct Node {
    ast: Ast,
    pos: usize,
    height: usize,
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> (&Tok, usize) {
        match self.toks.get(self.at) {
            Some((t, p)) => (t, *p),
            None => (&Tok::End, self.toks.last().map_or(1, |(_, p)| *p)),
        }
    }

    fn bump(&mut self) -> (Tok, usize) {
        let (t, p) = self.peek();
        let out = (t.clone(), p);
        self.at += 1;
        out
    }

    fn enter(&mut self, pos: usize) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_EXPR_DEPTH {
            return err(pos, format!("expression nested deeper than {MAX_EXPR_DEPTH} levels"));
        }
        Ok(())
    }

    fn expect(&mut self, want: &Tok, what: &str) -> Result<usize, ExprError> {
        let (t, p) = self.peek();
        if t == want {
            self.at += 1;
            Ok(p)
        } else {
            err(p, format!("expected {what}, found {}", describe(t)))
        }
    }

    fn expr(&mut self) -> Result<Node, ExprError> {
        let (_, pos) = self.peek();
        self.enter(pos)?;
        let out = self.or();
        self.depth -= 1;
        out
    }

    fn or(&mut self) -> Result<Node, ExprError> {
        let mut left = self.and()?;
        while let (Tok::Or, pos) = self.peek() {
            self.at += 1;
            let right = self.and()?;
            left = fix_height(Node {
                ast: Ast::Or(Box::new(left), Box::new(right)),
                pos,
                height: 0,
            })?;
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Node, ExprError> {
        let mut left = self.not()?;
        while let (Tok::And, pos) = self.peek() {
            self.at += 1;
            let right = self.not()?;
            left = fix_height(Node {
                ast: Ast::And(Box::new(left), Box::new(right)),
                pos,
                height: 0,
            })?;
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Node, ExprError> {
        if let (Tok::Not, pos) = self.peek() {
            self.at += 1;
            self.enter(pos)?;
            let inner = self.not();
            self.depth -= 1;
            return fix_height(Node {
                ast: Ast::Not(Box::new(inner?)),
                pos,
                height: 0,
            });
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Node, ExprError> {
        let left = self.add()?;
        if let (Tok::Cmp(op), pos) = self.peek() {
            let op = *op;
            self.at += 1;
            let right = self.add()?;
            if let (Tok::Cmp(_), p2) = self.peek() {
                return err(p2, "comparisons cannot be chained; combine them with `and`");
            }
            return fix_height(Node {
                ast: Ast::Cmp(op, Box::new(left), Box::new(right)),
                pos,
                height: 0,
            });
        }
        Ok(left)
    }

    fn add(&mut self) -> Result<Node, ExprError> {
        let mut left = self.mul()?;
        loop {
            let op = match self.peek() {
                (Tok::Plus, _) => ArOp::Add,
                (Tok::Minus, _) => ArOp::Sub,
                _ => break,
            };
            let (_, pos) = self.bump();
            let right = self.mul()?;
            left = fix_height(Node {
                ast: Ast::Ar(op, Box::new(left), Box::new(right)),
                pos,
                height: 0,
            })?;
        }
        Ok(left)
    }

    fn mul(&mut self) -> Result<Node, ExprError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                (Tok::Star, _) => ArOp::Mul,
                (Tok::Slash, _) => ArOp::Div,
                _ => break,
            };
            let (_, pos) = self.bump();
            let right = self.unary()?;
            left = fix_height(Node {
                ast: Ast::Ar(op, Box::new(left), Box::new(right)),
                pos,
                height: 0,
            })?;
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Node, ExprError> {
        match self.peek() {
            (Tok::Minus, pos) => {
                self.at += 1;
                self.enter(pos)?;
                let inner = self.unary();
                self.depth -= 1;
                fix_height(Node {
                    ast: Ast::Neg(Box::new(inner?)),
                    pos,
                    height: 0,
                })
            }
            (Tok::Plus, pos) => {
                self.at += 1;
                self.enter(pos)?;
                let inner = self.unary();
                self.depth -= 1;
                inner
            }
            _ => self.primary(),
        }
    }

    fn primary(&mut self) -> Result<Node, ExprError> {
        let (tok, pos) = self.bump();
        match tok {
            Tok::Num(d) => Ok(Node {
                ast: Ast::Num(d),
                pos,
                height: 1,
            }),
            Tok::Str(s) => Ok(Node {
                ast: Ast::Str(s),
                pos,
                height: 1,
            }),
            Tok::Quoted(name) => Ok(Node {
                ast: Ast::Name(name),
                pos,
                height: 1,
            }),
            Tok::LParen => {
                let inner = self.expr()?;
                self.expect(&Tok::RParen, "`)`")?;
                Ok(inner)
            }
            Tok::Ident(name) => {
                if let (Tok::LParen, _) = self.peek() {
                    self.at += 1;
                    return self.call(&name, pos);
                }
                match name.as_str() {
                    "true" => Ok(Node {
                        ast: Ast::Bool(true),
                        pos,
                        height: 1,
                    }),
                    "false" => Ok(Node {
                        ast: Ast::Bool(false),
                        pos,
                        height: 1,
                    }),
                    _ => Ok(Node {
                        ast: Ast::Name(name),
                        pos,
                        height: 1,
                    }),
                }
            }
            other => err(
                pos,
                format!(
                    "expected a number, a name, a function call or `(`, found {}",
                    describe(&other)
                ),
            ),
        }
    }

    fn call(&mut self, name: &str, pos: usize) -> Result<Node, ExprError> {
        let mut args = Vec::new();
        if let (Tok::RParen, _) = self.peek() {
            self.at += 1;
        } else {
            loop {
                args.push(self.expr()?);
                match self.bump() {
                    (Tok::Comma, _) => continue,
                    (Tok::RParen, _) => break,
                    (other, p) => {
                        return err(
                            p,
                            format!(
                                "expected `,` or `)` in the call of `{name}`, found {}",
                                describe(&other)
                            ),
                        );
                    }
                }
            }
        }
        let arity = |n: usize| -> Result<(), ExprError> {
            if args.len() == n {
                Ok(())
            } else {
                err(
                    pos,
                    format!(
                        "`{name}` takes {n} argument{}, found {}",
                        if n == 1 { "" } else { "s" },
                        args.len()
                    ),
                )
            }
        };
        let ast = match name {
            "if" => {
                arity(3)?;
                let mut it = args.into_iter();
                match (it.next(), it.next(), it.next()) {
                    (Some(c), Some(a), Some(b)) => Ast::If(Box::new(c), Box::new(a), Box::new(b)),
                    _ => return err(pos, "`if` takes 3 arguments"),
                }
            }
            "min" | "max" => {
                if args.is_empty() {
                    return err(pos, format!("`{name}` takes at least one argument"));
                }
                if name == "min" { Ast::Min(args) } else { Ast::Max(args) }
            }
            "abs" => {
                arity(1)?;
                match args.pop() {
                    Some(a) => Ast::Abs(Box::new(a)),
                    None => return err(pos, "`abs` takes 1 argument"),
                }
            }
            "round" => {
                arity(2)?;
                let places = args.pop();
                let value = args.pop();
                let (Some(value), Some(places)) = (value, places) else {
                    return err(pos, "`round` takes 2 arguments");
                };
                let n = match places.ast {
                    Ast::Num(d)
                        if d.fract().is_zero() && d >= Decimal::ZERO && d <= Decimal::from(MAX_ROUND_PLACES) =>
                    {
                        u32::try_from(d.mantissa() / 10i128.pow(d.scale())).unwrap_or(0)
                    }
                    _ => {
                        return err(
                            places.pos,
                            format!("the places of `round` must be a whole number from 0 to {MAX_ROUND_PLACES}"),
                        );
                    }
                };
                Ast::Round(Box::new(value), n)
            }
            other => {
                return err(
                    pos,
                    format!("unknown function `{other}` (known: if, min, max, abs, round)"),
                );
            }
        };
        fix_height(Node { ast, pos, height: 0 })
    }
}

/// Computes a node's height from its children and enforces the depth bound.
fn fix_height(mut node: Node) -> Result<Node, ExprError> {
    let child_max = match &node.ast {
        Ast::Num(_) | Ast::Str(_) | Ast::Bool(_) | Ast::Name(_) => 0,
        Ast::Neg(a) | Ast::Not(a) | Ast::Abs(a) | Ast::Round(a, _) => a.height,
        Ast::Ar(_, a, b) | Ast::Cmp(_, a, b) | Ast::And(a, b) | Ast::Or(a, b) => a.height.max(b.height),
        Ast::If(a, b, c) => a.height.max(b.height).max(c.height),
        Ast::Min(v) | Ast::Max(v) => v.iter().map(|n| n.height).max().unwrap_or(0),
    };
    node.height = child_max + 1;
    if node.height > MAX_EXPR_DEPTH {
        return err(
            node.pos,
            format!("expression nested deeper than {MAX_EXPR_DEPTH} levels"),
        );
    }
    Ok(node)
}

/// Parses `text` and lists the names it references with the position of their first use,
/// without resolving them (used to order metrics before type checking).
pub fn referenced_names(text: &str) -> Result<Vec<(String, usize)>, ExprError> {
    let root = parse(text)?;
    let mut out: Vec<(String, usize)> = Vec::new();
    collect_names(&root, &mut out);
    Ok(out)
}

fn parse(text: &str) -> Result<Node, ExprError> {
    let toks = lex(text)?;
    if matches!(toks.first(), Some((Tok::End, _))) {
        return err(1, "empty expression");
    }
    let mut parser = Parser { toks, at: 0, depth: 0 };
    let root = parser.expr()?;
    let (tok, pos) = parser.peek();
    if *tok != Tok::End {
        return err(
            pos,
            format!(
                "expected an operator or the end of the expression, found {}",
                describe(tok)
            ),
        );
    }
    Ok(root)
}

fn collect_names(node: &Node, out: &mut Vec<(String, usize)>) {
    match &node.ast {
        Ast::Num(_) | Ast::Str(_) | Ast::Bool(_) => {}
        Ast::Name(n) => {
            if !out.iter().any(|(m, _)| m == n) {
                out.push((n.clone(), node.pos));
            }
        }
        Ast::Neg(a) | Ast::Not(a) | Ast::Abs(a) | Ast::Round(a, _) => collect_names(a, out),
        Ast::Ar(_, a, b) | Ast::Cmp(_, a, b) | Ast::And(a, b) | Ast::Or(a, b) => {
            collect_names(a, out);
            collect_names(b, out);
        }
        Ast::If(a, b, c) => {
            collect_names(a, out);
            collect_names(b, out);
            collect_names(c, out);
        }
        Ast::Min(v) | Ast::Max(v) => v.iter().for_each(|n| collect_names(n, out)),
    }
}

/// What a name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ref {
    /// A declared input, by slot.
    Input(u32),
    /// A derived metric, by index.
    Metric(u32),
}

/// The static type of an expression or name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// A decimal.
    Num,
    /// A truth value.
    Bool,
    /// A level input (compared with strings naming its levels).
    Level(Vec<String>),
}

impl Ty {
    fn name(&self) -> &'static str {
        match self {
            Ty::Num => "a number",
            Ty::Bool => "a condition (true/false)",
            Ty::Level(_) => "a level",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Op {
    Const(Decimal),
    Bool(bool),
    Load(Ref),
    LevelIs(u32, u16),
    Neg(u32),
    Not(u32),
    Ar(ArOp, u32, u32, u32),
    Cmp(CmpOp, u32, u32),
    BoolEq(bool, u32, u32),
    And(u32, u32),
    Or(u32, u32),
    If(u32, u32, u32),
    Min(Vec<u32>),
    Max(Vec<u32>),
    Abs(u32),
    Round(u32, u32),
}

/// The sides of a comparison ([`Expr::comparison_sides`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sides {
    /// The left side (of `a - b` inside `abs(a - b) <= t`: `a`).
    pub left: Decimal,
    /// The right side (of `abs(a - b) <= t`: `b`).
    pub right: Decimal,
    /// `t` of `abs(a - b) <= t`.
    pub tolerance: Option<Decimal>,
}

/// A compiled expression: names resolved, types checked.
#[derive(Debug, Clone)]
pub struct Expr {
    ops: Vec<Op>,
    root: u32,
    ty: Ty,
    refs: Vec<Ref>,
}

/// A value an expression produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// A decimal.
    Num(Decimal),
    /// A truth value.
    Bool(bool),
}

/// Why evaluating an expression failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault<E> {
    /// Division by zero at this position.
    DivisionByZero(usize),
    /// A result beyond the decimal range at this position.
    Overflow(usize),
    /// The environment failed (a metric failed or an input is missing).
    Env(E),
}

/// What an expression reads while it evaluates.
pub trait Env {
    /// The error the environment reports.
    type Error;
    /// The value of a reference (a level input is never loaded directly).
    fn load(&mut self, r: Ref) -> Result<Value, Self::Error>;
    /// Whether a level input currently holds the given level.
    fn level_is(&mut self, input: u32, level: u16) -> Result<bool, Self::Error>;
}

impl Expr {
    /// Parses and compiles `text`, resolving names with `resolve`.
    pub fn compile(text: &str, resolve: &dyn Fn(&str) -> Option<(Ref, Ty)>) -> Result<Expr, ExprError> {
        let root = parse(text)?;
        let mut builder = Builder {
            ops: Vec::new(),
            refs: Vec::new(),
            resolve,
        };
        let (root, ty) = builder.build(root)?;
        Ok(Expr {
            ops: builder.ops,
            root,
            ty,
            refs: builder.refs,
        })
    }

    /// The expression's static type.
    pub fn ty(&self) -> &Ty {
        &self.ty
    }

    /// The operations (each reads operations by index) and the root's index: what the compiled
    /// program lowers into its straight-line code.
    #[cfg(feature = "compiled")]
    pub(crate) fn ops(&self) -> (&[Op], u32) {
        (&self.ops, self.root)
    }

    /// Every input and metric the expression reads (each once).
    pub fn refs(&self) -> &[Ref] {
        &self.refs
    }

    /// The reference when the whole expression is a single name.
    pub fn as_ref_only(&self) -> Option<Ref> {
        match self.ops.get(self.root as usize) {
            Some(Op::Load(r)) => Some(*r),
            _ => None,
        }
    }

    /// The value when the expression is a constant number.
    pub fn as_const(&self) -> Option<Decimal> {
        match self.ops.get(self.root as usize) {
            Some(Op::Const(d)) => Some(*d),
            Some(Op::Neg(i)) => match self.ops.get(*i as usize) {
                Some(Op::Const(d)) => Some(-*d),
                _ => None,
            },
            _ => None,
        }
    }

    /// The reference, when the whole expression is one name (a rule reading a metric or input).
    pub fn as_load(&self) -> Option<Ref> {
        match self.ops.get(self.root as usize) {
            Some(Op::Load(r)) => Some(*r),
            _ => None,
        }
    }

    /// The two sides of a comparison at the root (`a = b`, `x <= 0.01`), evaluated: what a failed
    /// check shows, with the tolerance of `abs(a - b) <= t` (then the sides are `a` and `b`).
    /// `None` when the root is not a comparison of numbers.
    pub fn comparison_sides<E: Env>(&self, env: &mut E) -> Result<Option<Sides>, Fault<E::Error>> {
        let Some(Op::Cmp(_, a, b)) = self.ops.get(self.root as usize) else {
            return Ok(None);
        };
        if let Some(Op::Abs(inner)) = self.ops.get(*a as usize)
            && let Some(Op::Ar(ArOp::Sub, x, y, _)) = self.ops.get(*inner as usize)
        {
            return Ok(Some(Sides {
                left: self.num(*x, env)?,
                right: self.num(*y, env)?,
                tolerance: Some(self.num(*b, env)?),
            }));
        }
        Ok(Some(Sides {
            left: self.num(*a, env)?,
            right: self.num(*b, env)?,
            tolerance: None,
        }))
    }

    /// The arithmetic with every name replaced by its value, as published tables show a
    /// calculation: `(860+2000+899+108−681)/(860+2000+899+108)`. `None` when the expression is a
    /// single name or constant (nothing to show), is not plain arithmetic (conditions, `if`), or a
    /// value cannot be read. `figure` writes each value.
    pub fn substituted<E: Env>(&self, env: &mut E, figure: &dyn Fn(Decimal) -> String) -> Option<String> {
        match self.ops.get(self.root as usize)? {
            Op::Load(_) | Op::Const(_) => None,
            _ => self.render(self.root, env, figure).map(|(text, _)| text),
        }
    }

    /// The text of op `i` and its precedence (1 sums, 2 products, 3 atoms).
    fn render<E: Env>(&self, i: u32, env: &mut E, figure: &dyn Fn(Decimal) -> String) -> Option<(String, u8)> {
        let atom = |d: Decimal| {
            if crate::dec::is_negative(d) {
                (format!("({})", figure(d)), 3)
            } else {
                (figure(d), 3)
            }
        };
        Some(match self.ops.get(i as usize)? {
            Op::Const(d) => atom(*d),
            Op::Load(r) => match env.load(*r).ok()? {
                Value::Num(d) => atom(d),
                Value::Bool(_) => return None,
            },
            Op::Neg(a) => {
                let (t, p) = self.render(*a, env, figure)?;
                (if p < 3 { format!("−({t})") } else { format!("−{t}") }, 1)
            }
            Op::Ar(op, a, b, _) => {
                let (prec, sym) = match op {
                    ArOp::Add => (1, "+"),
                    ArOp::Sub => (1, "−"),
                    ArOp::Mul => (2, "×"),
                    ArOp::Div => (2, "/"),
                };
                let (l, lp) = self.render(*a, env, figure)?;
                let (r, rp) = self.render(*b, env, figure)?;
                // The right side of `−` and `/` keeps its brackets at equal precedence.
                let right_tight = matches!(op, ArOp::Sub | ArOp::Div);
                let l = if lp < prec { format!("({l})") } else { l };
                let r = if rp < prec || (right_tight && rp == prec) {
                    format!("({r})")
                } else {
                    r
                };
                (format!("{l}{sym}{r}"), prec)
            }
            Op::Abs(a) => (format!("|{}|", self.render(*a, env, figure)?.0), 3),
            Op::Min(args) | Op::Max(args) => {
                let name = if matches!(self.ops.get(i as usize), Some(Op::Min(_))) {
                    "min"
                } else {
                    "max"
                };
                let parts = args
                    .iter()
                    .map(|a| self.render(*a, env, figure).map(|(t, _)| t))
                    .collect::<Option<Vec<_>>>()?;
                (format!("{name}({})", parts.join(", ")), 3)
            }
            Op::Round(a, n) => (format!("round({}, {n})", self.render(*a, env, figure)?.0), 3),
            Op::Bool(_)
            | Op::LevelIs(..)
            | Op::Not(_)
            | Op::Cmp(..)
            | Op::BoolEq(..)
            | Op::And(..)
            | Op::Or(..)
            | Op::If(..) => return None,
        })
    }

    /// Evaluates the expression.
    pub fn eval<E: Env>(&self, env: &mut E) -> Result<Value, Fault<E::Error>> {
        self.eval_op(self.root, env)
    }

    fn num<E: Env>(&self, i: u32, env: &mut E) -> Result<Decimal, Fault<E::Error>> {
        match self.eval_op(i, env)? {
            Value::Num(d) => Ok(d),
            // INVARIANT: types are checked at compile time; a boolean here is unreachable.
            Value::Bool(b) => Ok(if b { Decimal::ONE } else { Decimal::ZERO }),
        }
    }

    fn truth<E: Env>(&self, i: u32, env: &mut E) -> Result<bool, Fault<E::Error>> {
        match self.eval_op(i, env)? {
            Value::Bool(b) => Ok(b),
            // INVARIANT: types are checked at compile time; a number here is unreachable.
            Value::Num(d) => Ok(!d.is_zero()),
        }
    }

    fn eval_op<E: Env>(&self, i: u32, env: &mut E) -> Result<Value, Fault<E::Error>> {
        let Some(op) = self.ops.get(i as usize) else {
            return Ok(Value::Num(Decimal::ZERO));
        };
        Ok(match op {
            Op::Const(d) => Value::Num(*d),
            Op::Bool(b) => Value::Bool(*b),
            Op::Load(r) => env.load(*r).map_err(Fault::Env)?,
            Op::LevelIs(input, level) => Value::Bool(env.level_is(*input, *level).map_err(Fault::Env)?),
            Op::Neg(a) => Value::Num(-self.num(*a, env)?),
            Op::Not(a) => Value::Bool(!self.truth(*a, env)?),
            Op::Ar(op, a, b, pos) => {
                let x = self.num(*a, env)?;
                let y = self.num(*b, env)?;
                let pos = *pos as usize;
                let r = match op {
                    ArOp::Add => x.add_checked(y),
                    ArOp::Sub => x.sub_checked(y),
                    ArOp::Mul => x.mul_checked(y),
                    ArOp::Div => {
                        if y.is_zero() {
                            return Err(Fault::DivisionByZero(pos));
                        }
                        x.div_checked(y)
                    }
                };
                Value::Num(r.ok_or(Fault::Overflow(pos))?)
            }
            Op::Cmp(op, a, b) => {
                let x = self.num(*a, env)?;
                let y = self.num(*b, env)?;
                Value::Bool(op.holds(x, y))
            }
            Op::BoolEq(want_equal, a, b) => {
                let x = self.truth(*a, env)?;
                let y = self.truth(*b, env)?;
                Value::Bool((x == y) == *want_equal)
            }
            Op::And(a, b) => Value::Bool(self.truth(*a, env)? && self.truth(*b, env)?),
            Op::Or(a, b) => Value::Bool(self.truth(*a, env)? || self.truth(*b, env)?),
            Op::If(c, a, b) => {
                if self.truth(*c, env)? {
                    self.eval_op(*a, env)?
                } else {
                    self.eval_op(*b, env)?
                }
            }
            Op::Min(args) | Op::Max(args) => {
                let is_min = matches!(op, Op::Min(_));
                let mut best: Option<Decimal> = None;
                for a in args {
                    let v = self.num(*a, env)?;
                    best = Some(match best {
                        None => v,
                        Some(b) if is_min => b.min(v),
                        Some(b) => b.max(v),
                    });
                }
                Value::Num(best.unwrap_or(Decimal::ZERO))
            }
            Op::Abs(a) => Value::Num(self.num(*a, env)?.abs()),
            Op::Round(a, n) => Value::Num(crate::dec::round_half_up(self.num(*a, env)?, *n)),
        })
    }
}

struct Builder<'r> {
    ops: Vec<Op>,
    refs: Vec<Ref>,
    resolve: &'r dyn Fn(&str) -> Option<(Ref, Ty)>,
}

impl Builder<'_> {
    fn push(&mut self, op: Op) -> u32 {
        self.ops.push(op);
        u32::try_from(self.ops.len() - 1).unwrap_or(u32::MAX)
    }

    fn want(&mut self, node: Node, ty: &Ty, context: &str) -> Result<u32, ExprError> {
        let pos = node.pos;
        let (i, got) = self.build(node)?;
        if std::mem::discriminant(&got) != std::mem::discriminant(ty) {
            return err(pos, format!("{context} needs {}, found {}", ty.name(), got.name()));
        }
        Ok(i)
    }

    fn build(&mut self, node: Node) -> Result<(u32, Ty), ExprError> {
        let pos = node.pos;
        Ok(match node.ast {
            Ast::Num(d) => (self.push(Op::Const(d)), Ty::Num),
            Ast::Bool(b) => (self.push(Op::Bool(b)), Ty::Bool),
            Ast::Str(s) => {
                return err(
                    pos,
                    format!("a string (\"{s}\") can only be compared with a level input"),
                );
            }
            Ast::Name(name) => {
                let Some((r, ty)) = (self.resolve)(&name) else {
                    return err(pos, format!("unknown name `{name}` (not a declared input or metric)"));
                };
                if !self.refs.contains(&r) {
                    self.refs.push(r);
                }
                if let Ty::Level(_) = ty {
                    // A level is only usable inside a comparison with a string; see Cmp below.
                    return err(
                        pos,
                        format!(
                            "the level input `{name}` can only be compared with a level name, e.g. `{name} == \"…\"`"
                        ),
                    );
                }
                (self.push(Op::Load(r)), ty)
            }
            Ast::Neg(a) => {
                let a = self.want(*a, &Ty::Num, "`-`")?;
                (self.push(Op::Neg(a)), Ty::Num)
            }
            Ast::Not(a) => {
                let a = self.want(*a, &Ty::Bool, "`not`")?;
                (self.push(Op::Not(a)), Ty::Bool)
            }
            Ast::Ar(op, a, b) => {
                let sym = match op {
                    ArOp::Add => "`+`",
                    ArOp::Sub => "`-`",
                    ArOp::Mul => "`*`",
                    ArOp::Div => "`/`",
                };
                let a = self.want(*a, &Ty::Num, sym)?;
                let b = self.want(*b, &Ty::Num, sym)?;
                let p = u32::try_from(pos).unwrap_or(u32::MAX);
                (self.push(Op::Ar(op, a, b, p)), Ty::Num)
            }
            Ast::Cmp(op, a, b) => {
                if let Some(i) = self.level_comparison(op, &a, &b, pos)? {
                    return Ok((i, Ty::Bool));
                }
                let a_pos = a.pos;
                let (ai, at) = self.build(*a)?;
                match at {
                    Ty::Num => {
                        let bi = self.want(*b, &Ty::Num, "a comparison with a number")?;
                        (self.push(Op::Cmp(op, ai, bi)), Ty::Bool)
                    }
                    Ty::Bool if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
                        let bi = self.want(*b, &Ty::Bool, "a comparison with a condition")?;
                        (self.push(Op::BoolEq(op == CmpOp::Eq, ai, bi)), Ty::Bool)
                    }
                    other => return err(a_pos, format!("`{}` cannot compare {}", op.symbol(), other.name())),
                }
            }
            Ast::And(a, b) => self.logic(true, *a, *b)?,
            Ast::Or(a, b) => self.logic(false, *a, *b)?,
            Ast::If(c, a, b) => {
                let c = self.want(*c, &Ty::Bool, "the condition of `if`")?;
                let a_pos = a.pos;
                let (ai, at) = self.build(*a)?;
                if matches!(at, Ty::Level(_)) {
                    return err(a_pos, "`if` cannot return a level");
                }
                let bi = self.want(*b, &at, "the second branch of `if` (it must match the first)")?;
                (self.push(Op::If(c, ai, bi)), at)
            }
            Ast::Min(args) => self.extremum(true, args)?,
            Ast::Max(args) => self.extremum(false, args)?,
            Ast::Abs(a) => {
                let a = self.want(*a, &Ty::Num, "`abs`")?;
                (self.push(Op::Abs(a)), Ty::Num)
            }
            Ast::Round(a, n) => {
                let a = self.want(*a, &Ty::Num, "`round`")?;
                (self.push(Op::Round(a, n)), Ty::Num)
            }
        })
    }

    fn logic(&mut self, is_and: bool, a: Node, b: Node) -> Result<(u32, Ty), ExprError> {
        let ctx = if is_and { "`and`" } else { "`or`" };
        let a = self.want(a, &Ty::Bool, ctx)?;
        let b = self.want(b, &Ty::Bool, ctx)?;
        Ok((self.push(if is_and { Op::And(a, b) } else { Op::Or(a, b) }), Ty::Bool))
    }

    fn extremum(&mut self, is_min: bool, args: Vec<Node>) -> Result<(u32, Ty), ExprError> {
        let ctx = if is_min { "`min`" } else { "`max`" };
        let mut out = Vec::with_capacity(args.len());
        for a in args {
            out.push(self.want(a, &Ty::Num, ctx)?);
        }
        Ok((self.push(if is_min { Op::Min(out) } else { Op::Max(out) }), Ty::Num))
    }

    /// Compiles `level == "name"` (either order) into a level test; `None` when not such a comparison.
    fn level_comparison(&mut self, op: CmpOp, a: &Node, b: &Node, pos: usize) -> Result<Option<u32>, ExprError> {
        let (name_node, text) = match (&a.ast, &b.ast) {
            (Ast::Name(_), Ast::Str(s)) => (a, s),
            (Ast::Str(s), Ast::Name(_)) => (b, s),
            _ => return Ok(None),
        };
        let Ast::Name(name) = &name_node.ast else {
            return Ok(None);
        };
        let Some((r, ty)) = (self.resolve)(name) else {
            return err(
                name_node.pos,
                format!("unknown name `{name}` (not a declared input or metric)"),
            );
        };
        let (Ref::Input(slot), Ty::Level(levels)) = (r, ty) else {
            return err(
                pos,
                format!("only a level input can be compared with a string; `{name}` is not one"),
            );
        };
        if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            return err(pos, "levels can only be compared with `==` or `!=`");
        }
        let Some(idx) = levels.iter().position(|l| l == text) else {
            return err(
                pos,
                format!("`{name}` has no level \"{text}\" (levels: {})", levels.join(", ")),
            );
        };
        if !self.refs.contains(&r) {
            self.refs.push(r);
        }
        let test = self.push(Op::LevelIs(slot, u16::try_from(idx).unwrap_or(u16::MAX)));
        Ok(Some(if op == CmpOp::Ne {
            self.push(Op::Not(test))
        } else {
            test
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Vars(HashMap<&'static str, Decimal>);

    fn names() -> Vec<&'static str> {
        vec!["编制数", "在职人员数", "预算数", "完成数", "x"]
    }

    fn resolve(name: &str) -> Option<(Ref, Ty)> {
        if name == "完成程度" {
            return Some((
                Ref::Input(99),
                Ty::Level(vec!["达成".into(), "部分达成".into(), "未达成".into()]),
            ));
        }
        if name == "有项目" {
            return Some((Ref::Input(98), Ty::Bool));
        }
        names()
            .iter()
            .position(|n| *n == name)
            .map(|i| (Ref::Input(i as u32), Ty::Num))
    }

    impl Env for Vars {
        type Error = String;
        fn load(&mut self, r: Ref) -> Result<Value, String> {
            match r {
                Ref::Input(98) => Ok(Value::Bool(true)),
                Ref::Input(i) => Ok(Value::Num(self.0[names()[i as usize]])),
                Ref::Metric(_) => Err("no metrics".into()),
            }
        }
        fn level_is(&mut self, _: u32, level: u16) -> Result<bool, String> {
            Ok(level == 1)
        }
    }

    fn eval(text: &str, vars: &[(&'static str, &str)]) -> Result<Value, Fault<String>> {
        let e = Expr::compile(text, &resolve).unwrap();
        let mut env = Vars(vars.iter().map(|(k, v)| (*k, v.parse().unwrap())).collect());
        e.eval(&mut env)
    }

    fn num(text: &str, vars: &[(&'static str, &str)]) -> String {
        match eval(text, vars).unwrap() {
            Value::Num(d) => d.normalize().to_string(),
            Value::Bool(b) => b.to_string(),
        }
    }

    #[test]
    fn arithmetic_is_exact() {
        assert_eq!(num("0.1 + 0.2", &[]), "0.3");
        assert_eq!(
            num("在职人员数 / 编制数", &[("在职人员数", "76"), ("编制数", "80")]),
            "0.95"
        );
        assert_eq!(num("95% - 1", &[]), "-0.05");
        assert_eq!(num("-(2 + 3) * 4 ÷ 8", &[]), "-2.5");
        assert_eq!(
            num("round(2.345, 2) + abs(-1) + min(3, 1, 2) + max(1, 9)", &[]),
            "13.35"
        );
        assert_eq!(num("（1 + 2）× 3", &[]), "9");
    }

    #[test]
    fn conditions_and_guards() {
        assert_eq!(
            num(
                "if(预算数 == 0, 1, 完成数 / 预算数)",
                &[("预算数", "0"), ("完成数", "5")]
            ),
            "1"
        );
        assert_eq!(num("x > 1 and not (x >= 3) or false", &[("x", "2")]), "true");
        assert_eq!(num("x ≤ 2 && x ≠ 1", &[("x", "2")]), "true");
        assert_eq!(num("完成程度 == \"部分达成\"", &[]), "true");
        assert_eq!(num("完成程度 != '达成' and 有项目", &[]), "true");
    }

    #[test]
    fn division_by_zero_reports_position() {
        assert_eq!(
            eval("完成数 / 预算数", &[("预算数", "0"), ("完成数", "5")]),
            Err(Fault::DivisionByZero(5))
        );
    }

    #[test]
    fn compile_errors_have_positions() {
        let e = |t: &str| Expr::compile(t, &resolve).unwrap_err();
        assert_eq!(e("编制数 + 未知数").position, 7);
        assert!(e("编制数 + 未知数").message.contains("unknown name `未知数`"));
        assert_eq!(e("1 +").position, 4);
        assert!(e("if(1, 2, 3)").message.contains("needs a condition"));
        assert!(e("完成程度 == \"优\"").message.contains("no level"));
        assert!(e("1 < 2 < 3").message.contains("chained"));
        assert!(e("foo(1)").message.contains("unknown function"));
        assert!(e("round(1, x)").message.contains("whole number"));
        assert!(e("").message.contains("empty"));
        assert!(e("1.2.3").message.contains("not a valid decimal"));
        assert!(e("\"abc").message.contains("unterminated"));
    }

    #[test]
    fn hostile_nesting_is_refused() {
        let deep = format!("{}1{}", "(".repeat(500), ")".repeat(500));
        assert!(
            Expr::compile(&deep, &resolve)
                .unwrap_err()
                .message
                .contains("nested deeper")
        );
        let neg = format!("{}1", "-".repeat(1000));
        assert!(
            Expr::compile(&neg, &resolve)
                .unwrap_err()
                .message
                .contains("nested deeper")
        );
        let chain = vec!["1"; 1000].join("+");
        assert!(
            Expr::compile(&chain, &resolve)
                .unwrap_err()
                .message
                .contains("nested deeper")
        );
        let long = "1".repeat(MAX_EXPR_CHARS + 1);
        assert!(
            Expr::compile(&long, &resolve)
                .unwrap_err()
                .message
                .contains("longer than")
        );
    }

    #[test]
    fn overflow_is_an_error() {
        assert!(matches!(
            eval("79228162514264337593543950335 * 10", &[]),
            Err(Fault::Overflow(_))
        ));
    }
}
