//! The one table of record kinds: for each section of `content/`, its folder (and URL prefix),
//! the URL of its list, the name `ess-site new` takes, its French labels (the editor's
//! collection, the feed's title), and whether its records are dated or events.
//!
//! `Section::kind` matches every section: a new kind of record is one `Section` variant and
//! one `Kind` here, and the compiler then names every place that must handle it (the
//! `match`es on `Section`, which have no catch-all arm).

/// The sections, declared once: the enum and `Section::ALL` come from this one list, so a new
/// kind is in every loop over the kinds, and `Section::kind` has no entry for it until one is
/// written (the compiler says so).
macro_rules! sections {
    ($($name:ident),* $(,)?) => {
        /// The folders of `content/`, each holding one kind of record.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Section {
            $($name),*
        }

        impl Section {
            /// How many kinds of record there are.
            pub const COUNT: usize = [$(stringify!($name)),*].len();
            /// Every kind, in the site's order (its lists, feeds, fingerprints, the editor's
            /// collections).
            pub const ALL: [Section; Section::COUNT] = [$(Section::$name),*];
        }
    };
}

sections!(Actors, Forum, Conferences, Magazine, Resources, Pages);

/// What the tool knows of one kind of record.
#[derive(Debug, PartialEq, Eq)]
pub struct Kind {
    pub section: Section,
    /// The folder under `content/`, which is also the URL prefix (but for plain pages).
    pub folder: &'static str,
    /// The URL of the kind's list (`/acteurs/`); the home page for plain pages.
    pub list_url: &'static str,
    /// The name `ess-site new` takes (`acteur`), and the editor's collection's.
    pub new_name: &'static str,
    /// Its French label: the editor's collection, the title of its RSS feed.
    pub label: &'static str,
    /// The label of one record (the editor's « nouveau … »).
    pub label_one: &'static str,
    /// Whether `date:` is required.
    pub requires_date: bool,
    /// Whether its records are events, dated in the future on purpose.
    pub is_event: bool,
}

const ACTORS: Kind = Kind {
    section: Section::Actors,
    folder: "acteurs",
    list_url: "/acteurs/",
    new_name: "acteur",
    label: "Acteurs",
    label_one: "Acteur",
    requires_date: false,
    is_event: false,
};

const FORUM: Kind = Kind {
    section: Section::Forum,
    folder: "forum",
    list_url: "/forum/",
    new_name: "forum",
    label: "Forum de l’ESS",
    label_one: "Édition du Forum",
    requires_date: true,
    is_event: true,
};

const CONFERENCES: Kind = Kind {
    section: Section::Conferences,
    folder: "conferences",
    list_url: "/conferences/",
    new_name: "conference",
    label: "Conférences",
    label_one: "Conférence",
    requires_date: true,
    is_event: true,
};

const MAGAZINE: Kind = Kind {
    section: Section::Magazine,
    folder: "magazine",
    list_url: "/magazine/",
    new_name: "magazine",
    label: "Magazine",
    label_one: "Article du magazine",
    requires_date: true,
    is_event: false,
};

const RESOURCES: Kind = Kind {
    section: Section::Resources,
    folder: "ressources",
    list_url: "/ressources/",
    new_name: "ressource",
    label: "Ressources",
    label_one: "Ressource",
    requires_date: true,
    is_event: false,
};

const PAGES: Kind = Kind {
    section: Section::Pages,
    folder: "pages",
    list_url: "/",
    new_name: "page",
    label: "Pages",
    label_one: "Page",
    requires_date: false,
    is_event: false,
};

impl Section {
    /// The kind's entry of the table.
    pub const fn kind(self) -> &'static Kind {
        match self {
            Section::Actors => &ACTORS,
            Section::Forum => &FORUM,
            Section::Conferences => &CONFERENCES,
            Section::Magazine => &MAGAZINE,
            Section::Resources => &RESOURCES,
            Section::Pages => &PAGES,
        }
    }

    /// Its place in `Section::ALL` (the order of the site's lists and of fingerprints).
    pub fn index(self) -> usize {
        Section::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// The folder under `content/`, which is also the URL prefix (but for plain pages).
    pub fn folder(self) -> &'static str {
        self.kind().folder
    }

    /// Whether `date` is required (everything but actors and pages).
    pub fn requires_date(self) -> bool {
        self.kind().requires_date
    }

    /// Whether records of this section are events, dated in the future on purpose.
    pub fn is_event(self) -> bool {
        self.kind().is_event
    }

    /// The section `ess-site new` names `name` (`acteur`), if any.
    pub fn of_new_name(name: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.kind().new_name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_has_its_own_entry_in_order() {
        for (i, s) in Section::ALL.iter().enumerate() {
            assert_eq!(s.kind().section, *s);
            assert_eq!(s.index(), i);
            assert_eq!(Section::of_new_name(s.kind().new_name), Some(*s));
        }
        let folders: std::collections::BTreeSet<_> =
            Section::ALL.iter().map(|s| s.kind().folder).collect();
        assert_eq!(folders.len(), Section::COUNT, "one folder per kind");
    }
}
