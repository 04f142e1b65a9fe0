//! (written by the core work item)
