//! Control-flow analysis of one workflow's steps: which steps may and must have run before each one, and which are unreachable.

use super::FlowActions;
use crate::ir::ActionKind;
#[cfg(test)]
use crate::ir::StepIdx;

/// Control flow of one workflow: which steps may or must have run (and succeeded) before each step.
#[derive(Debug)]
pub struct Flow {
    /// Step reachable from the first step.
    pub reachable: Vec<bool>,
    /// `may_in[i][j]`: step j may have succeeded before step i runs.
    pub may_in: Vec<Vec<bool>>,
    /// `must_in[i][j]`: step j surely succeeded before step i runs.
    pub must_in: Vec<Vec<bool>>,
    /// Steps that may have succeeded when the workflow ends successfully.
    pub may_exit: Vec<bool>,
    /// Steps that surely succeeded when the workflow ends successfully.
    pub must_exit: Vec<bool>,
}

impl Flow {
    /// Analyses the step graph: `actions[i]` = (success actions, failure actions),
    /// each with whether it is unconditional.
    pub fn analyse(n: usize, actions: &[FlowActions]) -> Flow {
        // Edges: (from, to or None for a successful end, succeeded).
        let mut edges: Vec<(usize, Option<usize>, bool)> = Vec::new();
        for i in 0..n {
            let (succ, fail) = actions.get(i).cloned().unwrap_or_default();
            let mut unconditional = false;
            for (k, always) in &succ {
                match k {
                    ActionKind::End => edges.push((i, None, true)),
                    ActionKind::Goto(j) => edges.push((i, Some(j.0), true)),
                    ActionKind::GotoWorkflow(_) => edges.push((i, None, true)),
                    ActionKind::Retry { .. } => {}
                }
                if *always {
                    unconditional = true;
                    break;
                }
            }
            if !unconditional {
                edges.push((i, if i + 1 < n { Some(i + 1) } else { None }, true));
            }
            for (k, always) in &fail {
                match k {
                    ActionKind::End => edges.push((i, None, false)),
                    ActionKind::Goto(j) => edges.push((i, Some(j.0), false)),
                    ActionKind::GotoWorkflow(_) => edges.push((i, None, false)),
                    ActionKind::Retry { target, .. } => {
                        edges.push((i, Some(target.map_or(i, |t| t.0)), false));
                        // After the target runs, the step is retried.
                        if let Some(t) = target {
                            edges.push((t.0, Some(i), true));
                        }
                    }
                }
                if *always {
                    break;
                }
            }
        }
        let mut reachable = vec![false; n];
        let mut may_in = vec![vec![false; n]; n];
        let mut must_in = vec![vec![true; n]; n];
        if n > 0 {
            reachable[0] = true;
            must_in[0] = vec![false; n];
        }
        let mut may_exit = vec![false; n];
        let mut must_exit = vec![true; n];
        let mut exit_reached = false;
        // Iterate to a fixpoint (monotone; bounded by n² rounds).
        let mut changed = true;
        let mut rounds = 0;
        while changed && rounds <= n * n + 2 {
            changed = false;
            rounds += 1;
            for &(from, to, ok) in &edges {
                if !reachable[from] {
                    continue;
                }
                let mut may_out = may_in[from].clone();
                let mut must_out = must_in[from].clone();
                if ok {
                    may_out[from] = true;
                    must_out[from] = true;
                }
                let (may_t, must_t, first) = match to {
                    Some(t) => {
                        let first = !reachable[t];
                        if first {
                            reachable[t] = true;
                            changed = true;
                        }
                        (&mut may_in[t], &mut must_in[t], first)
                    }
                    None => {
                        // An `end` (after success or failure) ends the workflow with its outputs.
                        let first = !exit_reached;
                        exit_reached = true;
                        (&mut may_exit, &mut must_exit, first)
                    }
                };
                for j in 0..n {
                    let m = may_t[j] || may_out[j];
                    let s = if first {
                        must_out[j]
                    } else {
                        must_t[j] && must_out[j]
                    };
                    if m != may_t[j] || s != must_t[j] {
                        changed = true;
                    }
                    may_t[j] = m;
                    must_t[j] = s;
                }
            }
        }
        for i in 0..n {
            if !reachable[i] {
                must_in[i] = vec![false; n];
            }
        }
        if !exit_reached {
            must_exit = vec![false; n];
        }
        Flow {
            reachable,
            may_in,
            must_in,
            may_exit,
            must_exit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Success actions only, all unconditional when `always`.
    fn on_success(kinds: Vec<ActionKind>, always: bool) -> FlowActions {
        (kinds.into_iter().map(|k| (k, always)).collect(), Vec::new())
    }

    fn retry(target: Option<StepIdx>) -> ActionKind {
        ActionKind::Retry {
            after: None,
            limit: 1,
            target,
            workflow: None,
        }
    }

    #[test]
    fn a_straight_line_runs_every_step_after_the_ones_before() {
        let f = Flow::analyse(3, &[]);
        assert_eq!(f.reachable, [true, true, true]);
        assert_eq!(f.must_in[2], [true, true, false]);
        assert_eq!(f.may_in[1], [true, false, false]);
        assert_eq!(f.must_exit, [true, true, true]);
    }

    #[test]
    fn an_unconditional_end_makes_later_steps_unreachable() {
        let f = Flow::analyse(3, &[on_success(vec![ActionKind::End], true)]);
        assert_eq!(f.reachable, [true, false, false]);
        assert_eq!(f.must_exit, [true, false, false]);
        // An unreachable step has nothing guaranteed before it.
        assert_eq!(f.must_in[2], [false, false, false]);
    }

    #[test]
    fn a_conditional_goto_makes_the_skipped_step_only_possible() {
        // Step 0 may jump to step 2 (when its criteria hold) or fall through to step 1.
        let f = Flow::analyse(3, &[on_success(vec![ActionKind::Goto(StepIdx(2))], false)]);
        assert_eq!(f.reachable, [true, true, true]);
        assert!(f.may_in[2][1], "step 1 may have run before step 2");
        assert!(!f.must_in[2][1], "step 1 is skipped on the goto path");
        assert!(f.must_in[2][0]);
        assert!(!f.must_exit[1] && f.may_exit[1]);
    }

    #[test]
    fn an_unconditional_goto_back_is_a_loop_and_never_exits() {
        let f = Flow::analyse(
            2,
            &[
                FlowActions::default(),
                on_success(vec![ActionKind::Goto(StepIdx(0))], true),
            ],
        );
        assert_eq!(f.reachable, [true, true]);
        // Step 0 may run after step 1 (second time round), but not surely.
        assert!(f.may_in[0][1] && !f.must_in[0][1]);
        assert_eq!(f.may_exit, [false, false]);
        assert_eq!(f.must_exit, [false, false]);
    }

    #[test]
    fn a_failure_path_does_not_count_the_failed_step_as_succeeded() {
        // Step 0 on failure goes to step 2; on success falls through to step 1.
        let fail: FlowActions = (Vec::new(), vec![(ActionKind::Goto(StepIdx(2)), true)]);
        let f = Flow::analyse(3, &[fail]);
        assert!(f.may_in[2][0], "through step 1 step 0 succeeded");
        assert!(
            !f.must_in[2][0],
            "on the failure path step 0 did not succeed"
        );
    }

    #[test]
    fn a_retry_through_another_step_reaches_it_and_comes_back() {
        // Step 1 on failure runs step 2 (a login, say), then step 1 again.
        let fail: FlowActions = (
            vec![(ActionKind::End, true)],
            vec![(retry(Some(StepIdx(2))), true)],
        );
        let f = Flow::analyse(3, &[FlowActions::default(), fail]);
        assert_eq!(f.reachable, [true, true, true]);
        assert!(f.may_in[1][2], "the retried step may follow the target");
        assert!(f.must_in[2][0]);
        assert!(!f.must_in[2][1]);
        // The analysis does not track whom a retry target returns to: the target's own
        // next step (here the successful end) is also a successor. Conservative: fewer
        // guarantees, never a false one.
        assert!(f.may_exit[1] && !f.must_exit[1]);
    }

    #[test]
    fn a_transfer_to_another_workflow_ends_this_one() {
        let f = Flow::analyse(
            2,
            &[on_success(
                vec![ActionKind::GotoWorkflow(crate::ir::WorkflowRef::Local(1))],
                true,
            )],
        );
        assert_eq!(f.reachable, [true, false]);
        assert_eq!(f.must_exit, [true, false]);
    }

    #[test]
    fn no_steps_no_flow() {
        let f = Flow::analyse(0, &[]);
        assert!(f.reachable.is_empty() && f.must_exit.is_empty());
    }
}
