//! Walks over lowered values and criteria collecting the runtime expressions, steps and workflows they read.

use super::*;

/// Steps read by a value.
pub(super) fn collect_steps(v: &Val, out: &mut Vec<StepIdx>) {
    collect_refs(v, &mut |e| {
        if let RtExpr::StepOutput { step, .. } = e {
            out.push(*step);
        }
    });
}

/// Calls `f` on every runtime expression of a value.
pub(super) fn collect_refs(v: &Val, f: &mut dyn FnMut(&RtExpr)) {
    match v {
        Val::Expr(e, _) => visit_rt(e, f),
        Val::Template(parts) => {
            for p in parts {
                if let TPart::Expr(e) = p {
                    visit_rt(e, f);
                }
            }
        }
        Val::Array(items) => items.iter().for_each(|i| collect_refs(i, f)),
        Val::Object(m) => m.iter().for_each(|(_, i)| collect_refs(i, f)),
        Val::Lit(_) => {}
    }
}

/// Calls `f` on an expression and on the context of a selector.
pub(super) fn visit_rt(e: &RtExpr, f: &mut dyn FnMut(&RtExpr)) {
    f(e);
    if let RtExpr::Select { context, .. } = e {
        visit_rt(context, f);
    }
}

pub(super) fn collect_cond_refs(c: &ir::Cond, f: &mut dyn FnMut(&RtExpr)) {
    match c {
        ir::Cond::Expr(e) => f(e),
        ir::Cond::Not(a) | ir::Cond::Member(a, _) => collect_cond_refs(a, f),
        ir::Cond::Bin(_, a, b) | ir::Cond::Index(a, b) => {
            collect_cond_refs(a, f);
            collect_cond_refs(b, f);
        }
        ir::Cond::Lit(_) => {}
    }
}

/// `dependsOn` workflows read anywhere in a step's request, criteria or outputs.
pub(super) fn workflow_refs(step: &ir::Step) -> Vec<WorkflowRef> {
    let mut out = Vec::new();
    let mut f = |e: &RtExpr| {
        if let RtExpr::WorkflowOutput { workflow, .. } = e {
            out.push(*workflow);
        }
    };
    match &step.kind {
        ir::StepKind::Operation { params, body, .. } => {
            params.iter().for_each(|p| collect_refs(&p.value, &mut f));
            if let Some(b) = body {
                collect_refs(&b.value, &mut f);
                b.replacements
                    .iter()
                    .for_each(|(_, v)| collect_refs(v, &mut f));
            }
        }
        ir::StepKind::Workflow { inputs, .. } => {
            inputs.iter().for_each(|(_, v)| collect_refs(v, &mut f))
        }
        ir::StepKind::Message {
            headers,
            body,
            correlation,
            ..
        } => {
            headers.iter().for_each(|p| collect_refs(&p.value, &mut f));
            if let Some(b) = body {
                collect_refs(&b.value, &mut f);
                b.replacements
                    .iter()
                    .for_each(|(_, v)| collect_refs(v, &mut f));
            }
            if let Some((_, v)) = correlation {
                collect_refs(v, &mut f);
            }
        }
        ir::StepKind::Unresolved => {}
    }
    step.outputs
        .iter()
        .for_each(|o| collect_refs(&o.value, &mut f));
    for c in &step.success {
        collect_criterion_refs(c, &mut f);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Steps read by a criterion.
pub fn collect_criterion_steps(c: &ir::Criterion, out: &mut Vec<StepIdx>) {
    collect_criterion_refs(c, &mut |e: &RtExpr| {
        if let RtExpr::StepOutput { step, .. } = e {
            out.push(*step);
        }
    });
}

/// Calls `f` on every runtime expression a criterion reads.
pub(super) fn collect_criterion_refs(c: &ir::Criterion, f: &mut impl FnMut(&RtExpr)) {
    match c {
        ir::Criterion::Simple(c) => collect_cond_refs(c, f),
        ir::Criterion::Regex {
            context, embedded, ..
        }
        | ir::Criterion::JsonPath {
            context, embedded, ..
        } => {
            f(context);
            embedded.iter().for_each(|p| {
                if let TPart::Expr(e) = p {
                    f(e);
                }
            });
        }
    }
}
