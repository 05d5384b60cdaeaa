//! The guard from the window: Preferences turn it on (its settings, its
//! login item, the guard started) and off, a change of the days reaches
//! the running guard at once, and a folder moved back is forgotten (the
//! guard turned off once nothing is left to watch).

use relocator_guard::control;
use relocator_guard::settings::GuardSettings;

use super::{AppState, Notice, NoticeKind};
use crate::guard_mode::GuardSetup;

/// Whether the guard is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardSwitch {
    /// Its login item is there.
    On,
    /// It is not.
    Off,
}

impl GuardSwitch {
    /// As the login item of `setup` says (off where there is none to make).
    #[must_use]
    pub fn of(setup: Option<&GuardSetup>) -> Self {
        if setup.is_some_and(|g| relocator_guard::login_item::is_installed(&g.places)) {
            Self::On
        } else {
            Self::Off
        }
    }
}

impl AppState {
    /// Whether the guard can be turned on here (a home folder; not the demo).
    #[must_use]
    pub fn guard_available(&self) -> bool {
        self.services.guard.is_some() && !self.config.is_demo()
    }

    /// Turns the guard on or off.
    pub(crate) fn set_guard(&mut self, on: bool) {
        let Some(setup) = self
            .services
            .guard
            .clone()
            .filter(|_| self.guard_available())
        else {
            return;
        };
        // A folder chosen instead of the usual ones is the one watched.
        let chosen = (self.config.source_given || self.settings.source_folder.is_some())
            .then(|| self.location().map(|l| l.path.clone()))
            .flatten();
        let result = if on {
            self.save_guard_settings()
                .and_then(|()| control::turn_on(&setup.places, &setup.start(chosen.as_deref())))
        } else {
            control::turn_off(&setup.places)
        };
        match result {
            Ok(()) => {
                self.guard = if on {
                    GuardSwitch::On
                } else {
                    GuardSwitch::Off
                }
            }
            Err(e) => {
                self.notice = Some(Notice {
                    kind: NoticeKind::Problem,
                    text: format!(
                        "The guard could not be turned {}: {e}",
                        if on { "on" } else { "off" }
                    ),
                });
            }
        }
    }

    /// Writes the days after which a device is late where the guard reads
    /// them (it reads them again at its next look).
    pub(crate) fn save_guard_settings(&self) -> std::io::Result<()> {
        let Some(setup) = &self.services.guard else {
            return Ok(());
        };
        GuardSettings {
            stale_days: u64::from(self.settings.stale_days),
        }
        .save(&setup.places.settings())
    }

    /// After a move back of `source`: the guard forgets it, and is off once
    /// nothing is left to watch.
    pub(crate) fn guard_forgets(&mut self, source: &std::path::Path) {
        let Some(setup) = &self.services.guard else {
            return;
        };
        match control::forget(&setup.places, source) {
            Ok(true) => self.guard = GuardSwitch::Off,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "the guard could not forget a folder moved back"),
        }
    }
}
