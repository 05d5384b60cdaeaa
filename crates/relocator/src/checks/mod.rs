//! The preflight: every reason a move, revert or retarget could fail or hurt,
//! as typed problems (blocking or warning), each with one plain sentence.
//! In layers: the facts (`facts`), read from the disk first
//! (`gather`); the rules over them, pure (`rules`); and the three
//! preflights that put them together (`preflight`).

mod facts;
mod gather;
mod hand_made;
mod preflight;
mod rules;

pub use facts::{
    DestinationFacts, FAT_FILE_LIMIT, LinkTrouble, Preflight, Relation, SourceFacts, SpaceNeeded,
    Survey, space_margin,
};
pub use gather::{
    attributes_lost, gather_destination, gather_source, home_destination, probe_link, relation,
    survey, unreadable,
};
pub use hand_made::hand_made_problem;
pub use preflight::{check_move, check_retarget, check_revert, examine_destination};
pub use rules::{evaluate_destination, evaluate_home_destination, evaluate_source, state_problem};
