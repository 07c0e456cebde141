use hashbrown::HashMap;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

use std::sync::Arc;

use crate::{
    fossick::{parser::DomParserResult, FossickedData, FossickedWord, Fossicker, MetaFossickedWord},
    index::index_metadata::MetaFilter,
    utils::full_hash,
    SearchOptions,
};
use anyhow::{bail, Result};
use index_filter::{FilterIndex, PackedValue};
use index_metadata::{MetaChunk, MetaIndex, MetaPage};
use index_words::{PackedPage, PackedVariant, PackedWord};
#[cfg(test)]
use index_words::WordIndex;

use self::index_metadata::MetaSort;

mod index_filter;
mod index_metadata;
mod index_words;
mod spill;

pub use spill::{ScratchFile, SpillOptions};

/// How many pages are processed in parallel before their words are merged into the index.
const PAGE_BATCH: usize = 1024;

/// How many shards the words are merged in, in parallel.
const WORD_SHARDS: usize = 8;

/// FNV-1a of a word's bytes, the same on every run and machine.
fn word_hash(word: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in word.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The shard of a word.
fn word_shard(word: &str) -> usize {
    (word_hash(word) % WORD_SHARDS as u64) as usize
}

/// Whether the chunk of the word index ends after `word` (of `size`), the chunk holding
/// `so_far` with it. The sorted words are cut after a word its own hash marks, with a
/// probability in proportion to its size (one mark per ¾ of `chunk_size` on average), once
/// the chunk holds a quarter of `chunk_size` — or at four times `chunk_size`: chunks of
/// `chunk_size` on average, whose ends depend on the words around them only. A change to one
/// word (a page edited, added or removed) then changes the chunk it is in, and the cuts
/// around it, not every chunk after it, as cutting at the first word past `chunk_size` did:
/// the other chunks keep their bytes and names, so visitors' browsers keep them cached after
/// a rebuild, and a rebuild reusing the files before (`IndexCache`) does not compress them
/// again.
fn ends_chunk(word: &str, size: usize, so_far: usize, chunk_size: usize) -> bool {
    if so_far < chunk_size / 4 {
        return false;
    }
    if so_far >= chunk_size.saturating_mul(4) {
        return true;
    }
    // A finaliser (splitmix64's) spreads FNV's bits, weak for short words, over the range.
    let mut hash = word_hash(word);
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^= hash >> 31;
    u128::from(hash) * (3 * chunk_size as u128) < (4 * size as u128) << 64
}

/// The pages of a word (or of one of its variants) in the index: each `PackedPage` CBOR-encoded
/// as it is merged, its page number delta-encoded from the page before — what `WordIndex`
/// writes — instead of kept as a `PackedPage` (about 80 bytes and two allocations each, most of
/// the index's memory on a large site).
#[derive(Default)]
struct EncodedPages {
    bytes: Vec<u8>,
    count: u64,
    last_page: usize,
    /// Where each page's entry is in `bytes`, when they are tracked (for a build that updates
    /// the entries of a few pages: `updated`).
    entries: Option<Vec<EntryAt>>,
    /// The first bytes, written out to the shard's scratch file (see `spill`): `bytes` follows
    /// them.
    spilled: Vec<spill::Piece>,
}

/// Where a page's entry is in `EncodedPages::bytes`, and its size.
#[derive(Clone, Copy)]
struct EntryAt {
    page: u32,
    offset: u32,
    size: u32,
}

/// The length of the CBOR header of a page's entry: the array's, then its page number's.
fn header_len(delta: usize) -> usize {
    1 + match delta {
        0..=23 => 1,
        24..=0xff => 2,
        0x100..=0xffff => 3,
        0x1_0000..=0xffff_ffff => 5,
        _ => 9,
    }
}

impl EncodedPages {
    /// Adds a page's entry, which must come after every page added before, numbered
    /// `page_number`; returns its size as `chunk_index` counts it.
    fn push(&mut self, entry: PageEntry, page_number: usize) -> usize {
        if let Some(entries) = self.entries.as_mut() {
            entries.push(EntryAt {
                page: page_number as u32,
                offset: self.bytes.len() as u32,
                size: entry.size as u32,
            });
        }
        let delta = page_number - self.last_page;
        self.last_page = page_number;
        // What `minicbor` writes for a `PackedPage`: an array of its three fields.
        let mut e = minicbor::Encoder::new(&mut self.bytes);
        let _ = e.array(3).and_then(|e| e.u64(delta as u64));
        self.bytes.extend_from_slice(entry.tail);
        self.count += 1;
        entry.size
    }

    /// Empty pages whose entries are tracked.
    fn tracked() -> EncodedPages {
        EncodedPages {
            entries: Some(Vec::new()),
            ..EncodedPages::default()
        }
    }

    /// These (tracked) pages with `changes` made to them: for each page in `changes`, sorted
    /// by page, its new entries (none: it no longer has any). The same bytes as pushing every
    /// page's entries again: the unchanged entries are copied, a run at a time, and only the
    /// page number of an entry after a change is encoded again.
    fn updated(&self, changes: &[(usize, Entries)]) -> EncodedPages {
        let old = self.entries.as_deref().unwrap_or_default();
        let mut out = EncodedPages::tracked();
        let (mut i, mut j) = (0, 0);
        while i < old.len() || j < changes.len() {
            let change = changes.get(j).map(|c| c.0);
            match (old.get(i), change) {
                (Some(at), Some(page)) if page <= at.page as usize => {
                    if page == at.page as usize {
                        i += 1;
                    }
                    for entry in changes[j].1 {
                        out.push(entry, page);
                    }
                    j += 1;
                }
                (Some(_), _) => {
                    let end = match change {
                        Some(page) => i + old[i..].partition_point(|at| (at.page as usize) < page),
                        None => old.len(),
                    };
                    out.copy_run(self, old, i, end);
                    i = end;
                }
                (None, Some(page)) => {
                    for entry in changes[j].1 {
                        out.push(entry, page);
                    }
                    j += 1;
                }
                (None, None) => break,
            }
        }
        out
    }

    /// Adds the entries `from..to` of `source` (whose entries are `old`).
    fn copy_run(&mut self, source: &EncodedPages, old: &[EntryAt], from: usize, to: usize) {
        let end_of = |i: usize| old.get(i + 1).map_or(source.bytes.len(), |at| at.offset as usize);
        let mut from = from;
        let before = if from == 0 { 0 } else { old[from - 1].page as usize };
        if before != self.last_page {
            // The page before changed: this entry's page number is encoded again.
            let at = old[from];
            let page = at.page as usize;
            let tail = at.offset as usize + header_len(page - before);
            let offset = self.bytes.len() as u32;
            let mut e = minicbor::Encoder::new(&mut self.bytes);
            let _ = e.array(3).and_then(|e| e.u64((page - self.last_page) as u64));
            self.bytes.extend_from_slice(&source.bytes[tail..end_of(from)]);
            if let Some(entries) = self.entries.as_mut() {
                entries.push(EntryAt { offset, ..at });
            }
            self.last_page = page;
            self.count += 1;
            from += 1;
        }
        if from == to {
            return;
        }
        let start = old[from].offset as usize;
        let shift = self.bytes.len() as i64 - start as i64;
        self.bytes.extend_from_slice(&source.bytes[start..end_of(to - 1)]);
        if let Some(entries) = self.entries.as_mut() {
            entries.extend(old[from..to].iter().map(|at| EntryAt {
                offset: (at.offset as i64 + shift) as u32,
                ..*at
            }));
        }
        self.last_page = old[to - 1].page as usize;
        self.count += (to - from) as u64;
    }

    /// The sizes of the entries (tracked pages only).
    fn size(&self) -> usize {
        self.entries
            .iter()
            .flatten()
            .map(|at| at.size as usize)
            .sum()
    }
}

/// A page's entry of a word (a `PackedPage`), CBOR-encoded without its page number, which it
/// is only given when the index numbers the pages: the entry of a record is the same whatever
/// its place, so a build can reuse the one a build before made (see `IndexCache`).
#[derive(Debug, Clone, Copy, PartialEq)]
struct PageEntry<'a> {
    /// The encoded `locs` and `meta_locs`.
    tail: &'a [u8],
    /// The size `chunk_index` counts for it.
    size: usize,
}

/// Appends `n` to `out`, LEB128.
fn put_varint(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads what `PageWords` holds.
#[derive(Clone, Copy)]
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> usize {
        let mut n = 0;
        let mut shift = 0;
        while let Some((&byte, rest)) = self.bytes.split_first() {
            self.bytes = rest;
            n |= ((byte & 0x7f) as usize) << shift;
            if byte < 0x80 {
                break;
            }
            shift += 7;
        }
        n
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        let (taken, rest) = self.bytes.split_at(n.min(self.bytes.len()));
        self.bytes = rest;
        taken
    }

    fn text(&mut self) -> &'a str {
        let n = self.varint();
        std::str::from_utf8(self.take(n)).unwrap_or_default()
    }

    /// Entries written by `PageWords::put_entries`.
    fn entries(&mut self) -> Entries<'a> {
        let count = self.varint();
        let start = self.bytes;
        for _ in 0..count {
            let _size = self.varint();
            let len = self.varint();
            self.take(len);
        }
        Entries {
            reader: Reader {
                bytes: &start[..start.len() - self.bytes.len()],
            },
            count,
        }
    }
}

/// Some entries of a page (the word's, or a variant's).
#[derive(Clone, Copy)]
struct Entries<'a> {
    reader: Reader<'a>,
    count: usize,
}

impl<'a> Entries<'a> {
    const NONE: Entries<'static> = Entries {
        reader: Reader { bytes: &[] },
        count: 0,
    };
}

impl<'a> Iterator for Entries<'a> {
    type Item = PageEntry<'a>;

    fn next(&mut self) -> Option<PageEntry<'a>> {
        if self.count == 0 {
            return None;
        }
        self.count -= 1;
        let size = self.reader.varint();
        let len = self.reader.varint();
        Some(PageEntry {
            tail: self.reader.take(len),
            size,
        })
    }
}

/// One page's entry of a word: its pages (none or one) and those of its variants, in the
/// order the page has them.
#[derive(Clone, Copy)]
struct PageWord<'a> {
    word: &'a str,
    pages: Entries<'a>,
    variants: Reader<'a>,
    variant_count: usize,
}

impl<'a> PageWord<'a> {
    /// The variants: (form, entries).
    fn additional_variants(&self) -> impl Iterator<Item = (&'a str, Entries<'a>)> {
        let mut reader = self.variants;
        (0..self.variant_count).map(move |_| {
            let form = reader.text();
            (form, reader.entries())
        })
    }

    /// The entries of a variant.
    fn variant(&self, form: &str) -> Entries<'a> {
        self.additional_variants()
            .find(|(f, _)| *f == form)
            .map_or(Entries::NONE, |(_, e)| e)
    }
}

/// A page's words of one shard, sorted, with their entries, in one buffer: a page processed
/// for the index is held this way (about 30 bytes a word; as structures, a word's string, its
/// entries and theirs took about 140).
#[derive(Debug, Default)]
struct PageWords {
    bytes: Box<[u8]>,
}

impl PageWords {
    /// The words of `packed`, which must be sorted by word.
    fn of(packed: &[PackedWord]) -> PageWords {
        let mut bytes = Vec::new();
        // One buffer for every entry's encoding, not one each.
        let mut tail = Vec::new();
        let mut put_entries = |bytes: &mut Vec<u8>, pages: &[PackedPage]| {
            put_varint(bytes, pages.len());
            for page in pages {
                tail.clear();
                let _ = minicbor::encode(&page.locs, &mut tail);
                let _ = minicbor::encode(&page.meta_locs, &mut tail);
                put_varint(bytes, page.locs.len() + page.meta_locs.len() + 1);
                put_varint(bytes, tail.len());
                bytes.extend_from_slice(&tail);
            }
        };
        for word in packed {
            put_varint(&mut bytes, word.word.len());
            bytes.extend_from_slice(word.word.as_bytes());
            put_entries(&mut bytes, &word.pages);
            put_varint(&mut bytes, word.additional_variants.len());
            for variant in &word.additional_variants {
                put_varint(&mut bytes, variant.form.len());
                bytes.extend_from_slice(variant.form.as_bytes());
                put_entries(&mut bytes, &variant.pages);
            }
        }
        PageWords {
            bytes: bytes.into_boxed_slice(),
        }
    }

    fn iter(&self) -> impl Iterator<Item = PageWord<'_>> {
        let mut reader = Reader { bytes: &self.bytes };
        std::iter::from_fn(move || {
            if reader.bytes.is_empty() {
                return None;
            }
            let word = reader.text();
            let pages = reader.entries();
            let variant_count = reader.varint();
            let variants = reader;
            for _ in 0..variant_count {
                reader.text();
                reader.entries();
            }
            Some(PageWord {
                word,
                pages,
                variants: Reader {
                    bytes: &variants.bytes[..variants.bytes.len() - reader.bytes.len()],
                },
                variant_count,
            })
        })
    }

    /// The entry of `word`, if the page has it.
    fn get(&self, word: &str) -> Option<PageWord<'_>> {
        self.iter()
            .take_while(|w| w.word <= word)
            .find(|w| w.word == word)
    }
}

/// A word of the index, as `PackedWord` encodes it, with its pages encoded.
#[derive(Default)]
struct IndexedWord {
    pages: EncodedPages,
    additional_variants: Vec<(String, EncodedPages)>,
    /// The size `chunk_index` counts for it.
    size: usize,
}

impl IndexedWord {
    /// An empty word whose pages' entries are tracked (see `EncodedPages::updated`).
    fn tracked() -> IndexedWord {
        IndexedWord {
            pages: EncodedPages::tracked(),
            ..IndexedWord::default()
        }
    }

    /// This (tracked) word with the entries of the pages in `changes` replaced by theirs
    /// (`None`: the page no longer has the word), `changes` sorted by page; `pages` are every
    /// page of the index, as numbered, and `shard` the word's. `None` if no page has the word
    /// any more. The same as merging every page that has it again.
    fn updated(
        &self,
        word: &str,
        changes: &[(usize, Option<PageWord>)],
        pages: &[Arc<ProcessedPage>],
        shard: usize,
    ) -> Option<IndexedWord> {
        let main: Vec<(usize, Entries)> = changes
            .iter()
            .map(|(page, w)| (*page, w.map_or(Entries::NONE, |w| w.pages)))
            .collect();
        let mut out = IndexedWord {
            pages: self.pages.updated(&main),
            ..IndexedWord::default()
        };
        let mut forms: Vec<&str> = self.additional_variants.iter().map(|(f, _)| f.as_str()).collect();
        for (_, w) in changes {
            for (form, _) in w.iter().flat_map(|w| w.additional_variants()) {
                if !forms.contains(&form) {
                    forms.push(form);
                }
            }
        }
        let empty = EncodedPages::tracked();
        for form in forms {
            let before = self
                .additional_variants
                .iter()
                .find(|(f, _)| f == form)
                .map_or(&empty, |(_, p)| p);
            let variant: Vec<(usize, Entries)> = changes
                .iter()
                .map(|(page, w)| (*page, w.map_or(Entries::NONE, |w| w.variant(form))))
                .collect();
            let updated = before.updated(&variant);
            if updated.count > 0 {
                out.additional_variants.push((form.to_string(), updated));
            }
        }
        if out.pages.count == 0 && out.additional_variants.is_empty() {
            return None;
        }
        // The variants in the order a merge meets them: by their first page, then as that
        // page lists them.
        out.additional_variants.sort_by_cached_key(|(form, encoded)| {
            let first = encoded
                .entries
                .as_ref()
                .and_then(|e| e.first())
                .map_or(0, |at| at.page as usize);
            let rank = pages[first].words[shard]
                .get(word)
                .and_then(|w| w.additional_variants().position(|(f, _)| f == form))
                .unwrap_or(usize::MAX);
            (first, rank)
        });
        out.size = out.pages.size()
            + out
                .additional_variants
                .iter()
                .map(|(_, p)| p.size() + 1)
                .sum::<usize>();
        Some(out)
    }
}

impl IndexedWord {
    /// Merges a page's entry of the word (its pages come after the ones merged before).
    fn merge(&mut self, word: &PageWord, page_number: usize) {
        for page in word.pages {
            self.size += self.pages.push(page, page_number);
        }
        for (form, pages) in word.additional_variants() {
            let position = match self
                .additional_variants
                .iter()
                .position(|(existing, _)| existing == form)
            {
                Some(position) => position,
                None => {
                    let pages = match self.pages.entries {
                        Some(_) => EncodedPages::tracked(),
                        None => EncodedPages::default(),
                    };
                    self.additional_variants.push((form.to_string(), pages));
                    self.size += 1;
                    self.additional_variants.len() - 1
                }
            };
            for page in pages {
                self.size += self.additional_variants[position].1.push(page, page_number);
            }
        }
    }
}

/// A chunk of words as `WordIndex { words: Vec<PackedWord> }` encodes it (the same bytes).
fn encode_chunk(chunk: &[Word]) -> Vec<u8> {
    fn encode(
        chunk: &[Word],
        e: &mut minicbor::Encoder<Vec<u8>>,
    ) -> Result<(), minicbor::encode::Error<std::convert::Infallible>> {
        e.array(1)?.array(chunk.len() as u64)?;
        for (word, indexed) in chunk {
            e.array(3)?.str(word)?.array(indexed.pages.count)?;
            e.writer_mut().extend_from_slice(&indexed.pages.bytes);
            e.array(indexed.additional_variants.len() as u64)?;
            for (form, pages) in &indexed.additional_variants {
                e.array(2)?.str(form)?.array(pages.count)?;
                e.writer_mut().extend_from_slice(&pages.bytes);
            }
        }
        Ok(())
    }
    let mut e = minicbor::Encoder::new(Vec::new());
    let _ = encode(chunk, &mut e);
    e.into_writer()
}

/// A word of the index and its entry, as chunked and encoded.
type Word<'a> = (&'a str, &'a IndexedWord);

/// The words of the index, by shard (see `word_shard`). Each word's entry is boxed: a
/// shard's table then holds two pointers a word (24 bytes, not 144), and grows by doubling
/// without holding every word's entry twice for a moment; a million words of one page each
/// (a national directory's names) held 300 MB of tables, and 450 as the tables grew.
type WordShards = Vec<HashMap<Box<str>, Box<IndexedWord>>>;

/// Merges the words of `pages`, numbered from `first_page`, into the index's: each shard on
/// its own thread, in page order; with `tracked`, the words met for the first time have their
/// pages' entries tracked (see `remerge_words`).
fn merge_words(
    shards: &mut WordShards,
    tracked: bool,
    pages: &[Arc<ProcessedPage>],
    first_page: usize,
) {
    shards.par_iter_mut().enumerate().for_each(|(shard, words)| {
        for (i, page) in pages.iter().enumerate() {
            for word in page.words[shard].iter() {
                merge_word(words, &word, first_page + i, tracked);
            }
        }
    });
}

/// The words of `pages` when the build before merged `before` (the same number of pages,
/// most of them the same, its words tracked): the entries of the pages that changed replaced
/// in the words they had or have (`IndexedWord::updated`), the other words kept as they were.
/// The same words as merging every page again. `None` when too many pages changed for that to
/// be worth it.
fn remerge_words(before: Merged, pages: &[Arc<ProcessedPage>]) -> Option<Merged> {
    if before.pages.len() != pages.len() {
        return None;
    }
    let changed: Vec<usize> = (0..pages.len())
        .filter(|&i| !Arc::ptr_eq(&before.pages[i], &pages[i]))
        .collect();
    if changed.len() * 8 > pages.len() {
        return None;
    }
    let Merged {
        pages: old_pages,
        mut shards,
    } = before;
    shards.par_iter_mut().enumerate().for_each(|(shard, words)| {
        let mut affected: Vec<&str> = changed
            .iter()
            .flat_map(|&i| old_pages[i].words[shard].iter().chain(pages[i].words[shard].iter()))
            .map(|w| w.word)
            .collect();
        affected.sort_unstable();
        affected.dedup();
        for word in affected {
            let changes: Vec<(usize, Option<PageWord>)> = changed
                .iter()
                .map(|&i| (i, pages[i].words[shard].get(word)))
                .collect();
            let empty = IndexedWord::tracked();
            let updated = words
                .get(word)
                .map_or(&empty, |w| w)
                .updated(word, &changes, pages, shard);
            match updated {
                Some(updated) => {
                    words.insert(word.into(), Box::new(updated));
                }
                None => {
                    words.remove(word);
                }
            }
        }
    });
    Some(Merged {
        pages: pages.to_vec(),
        shards,
    })
}

/// The merged words of a build (tracked), with the pages they were merged from, in their
/// order: the next build with a cache merges again only the entries of the pages that changed.
pub(crate) struct Merged {
    pages: Vec<Arc<ProcessedPage>>,
    shards: WordShards,
}

/// Merges one page's entry of a word into the word's entry in the index.
/// With `tracked`, a word met for the first time has its pages' entries tracked.
fn merge_word(
    words: &mut HashMap<Box<str>, Box<IndexedWord>>,
    word: &PageWord,
    page_number: usize,
    tracked: bool,
) {
    match words.get_mut(word.word) {
        Some(indexed) => indexed.merge(word, page_number),
        None => {
            let mut indexed = Box::new(if tracked {
                IndexedWord::tracked()
            } else {
                IndexedWord::default()
            });
            indexed.merge(word, page_number);
            words.insert(word.word.into(), indexed);
        }
    }
}

/// Writes every word's pages out to its shard's scratch file, each shard on its own thread.
fn spill_words(shards: &mut WordShards, spill: &mut spill::Spill) -> std::io::Result<()> {
    shards
        .par_iter_mut()
        .zip(spill.writers().collect::<Vec<_>>())
        .try_for_each(|(words, mut out)| {
            for indexed in words.values_mut() {
                let pages = std::iter::once(&mut indexed.pages)
                    .chain(indexed.additional_variants.iter_mut().map(|(_, p)| p));
                for pages in pages {
                    if let Some(piece) = out.put(&mut pages.bytes)? {
                        pages.spilled.push(piece);
                    }
                }
            }
            out.finish()
        })
}

impl IndexedWord {
    /// The word's pages whole again: the pieces written out, read back before those held.
    fn restore(&mut self, spill: &spill::Spill, shard: usize) -> std::io::Result<()> {
        let pages = std::iter::once(&mut self.pages)
            .chain(self.additional_variants.iter_mut().map(|(_, p)| p));
        for pages in pages {
            spill.restore(shard, &pages.spilled, &mut pages.bytes)?;
            pages.spilled = Vec::new();
        }
        Ok(())
    }
}

pub struct PagefindIndexes {
    pub word_indexes: HashMap<String, Vec<u8>>,
    pub filter_indexes: HashMap<String, Vec<u8>>,
    pub meta_index: (String, Vec<u8>),
    pub fragments: Vec<(String, String)>,
    pub sorts: Vec<String>,
    pub language: String,
    pub word_count: usize,
    pub page_count: usize,
    /// What this build keeps for the next, if it was given a cache: `write_files` adds its
    /// compressed files to it.
    pub(crate) cache: std::sync::Mutex<Option<LanguageCache>>,
}

/// A page of the index, by its number: the name of its fragment, its hash, its number of
/// words and, unless its fragment went to a sink, the fragment. 1.6.0 kept them in a map by
/// name (`IntermediaryPageData`, 88 bytes a page in the map's table, which held twice as many
/// slots as pages and was sorted into a list of every page at the end): at a million pages,
/// 185 MB of table, and as much again as it grew or was sorted.
struct PageSlot {
    name: Box<str>,
    full_hash: Box<str>,
    word_count: u32,
    encoded_data: Box<str>,
}

/// The names of the pages' fragments, each the number of its page in `slots`: a table of page
/// numbers (4 bytes each), the names being the slots'.
#[derive(Default)]
struct FragmentNames {
    table: hashbrown::HashTable<u32>,
    hasher: hashbrown::DefaultHashBuilder,
}

impl FragmentNames {
    /// Names the fragment of the page `slot`, numbered `slots.len()`, and adds it to `slots`:
    /// the first characters of its hash, more of them while another page's fragment has that
    /// name. A page identical to the page with that name (the same hash) takes the name, and
    /// the page before is named by its whole hash (as 1.6.0 did, except that 1.6.0 then
    /// looked at the same name again, for ever: two identical pages hung the build). As in
    /// 1.6.0, which of two pages gets the longer name depends on their order. The name given.
    fn add<'s>(&mut self, slots: &'s mut Vec<PageSlot>, mut slot: PageSlot, language: &str) -> &'s str {
        use std::hash::BuildHasher;
        let number = slots.len() as u32;
        let mut len = language.len() + 8;
        loop {
            let short = &slot.full_hash[..len.min(slot.full_hash.len())];
            let hash = self.hasher.hash_one(short);
            let taken = self
                .table
                .find_mut(hash, |&i| &*slots[i as usize].name == short);
            match taken {
                Some(other) if slots[*other as usize].full_hash == slot.full_hash => {
                    // These pages are identical: the page before is named by its hash.
                    let before = &mut slots[*other as usize];
                    before.name = before.full_hash.clone();
                    *other = number;
                    slot.name = short.into();
                    break;
                }
                Some(_) if len < slot.full_hash.len() => len += 1,
                Some(_) | None => {
                    slot.name = short.into();
                    let names = &*slots;
                    let hasher = &self.hasher;
                    self.table.insert_unique(hash, number, |&i| {
                        hasher.hash_one(&*names[i as usize].name)
                    });
                    break;
                }
            }
        }
        slots.push(slot);
        &slots[number as usize].name
    }
}

#[derive(Debug)]
enum SortType {
    String,
    Number,
}

/// A page processed for the index, before it is numbered: its words, by shard (see
/// `word_shard`), the values of its filters, its fragment and its sort keys.
#[derive(Debug)]
pub(crate) struct ProcessedPage {
    words: Vec<PageWords>,
    filters: Vec<(String, String)>,
    full_hash: String,
    encoded_data: String,
    word_count: usize,
    sort: BTreeMap<String, String>,
}

/// What a build of one language's index keeps for the next build (see `api::IndexCache`):
/// the records it processed, and its compressed files.
#[derive(Default)]
pub struct LanguageCache {
    /// The metadata fields the records were processed with (their words' metadata positions
    /// name the fields by their rank in it).
    meta_fields: Vec<String>,
    /// Each record's processed page (`None` for a record without words), by URL, with the
    /// record it was made from.
    records: HashMap<String, (DomParserResult, Option<Arc<ProcessedPage>>)>,
    /// The words the build before merged, from which pages.
    merged: Option<Merged>,
    /// The compressed files, by the SHA-1 of their content.
    pub(crate) compressed: HashMap<[u8; 20], Arc<Vec<u8>>>,
}

/// How a record of the batch was processed.
enum Outcome {
    /// Processed by the build before, with the same record.
    Reused(String),
    /// Processed now; kept for the next build if there is a cache.
    Made(Option<(String, DomParserResult)>),
}

pub async fn build_indexes(
    pages: Vec<FossickedData>,
    records: Vec<Fossicker>,
    stream: Option<crate::service::api::RecordStream>,
    language: String,
    options: &SearchOptions,
    mut cache: Option<LanguageCache>,
    sink: Option<&crate::service::api::FragmentSink>,
    spill: Option<&SpillOptions>,
) -> Result<PagefindIndexes> {
    // Each page's fragment goes to the sink as its batch is numbered, compressed there on the
    // batch's threads, and only its name is kept; not with a cache (a preview keeps its
    // compressed files for the next build) nor when fragments are grouped (a group is made
    // from its pages' fragments at the end).
    let sink = sink.filter(|_| {
        cache.is_none() && options.max_fragments.filter(|&m| m > 0).is_none()
    });
    let mut meta = MetaIndex {
        version: options.version.into(),
        pages: Vec::new(),
        index_chunks: Vec::new(),
        filters: Vec::new(),
        sorts: Vec::new(),
        meta_fields: Vec::new(),
    };

    // The words of the index, in shards merged in parallel: a word is always in the same
    // shard, and each shard receives the pages in their order.
    let mut word_shards: WordShards = (0..WORD_SHARDS).map(|_| HashMap::new()).collect();
    // The words' pages written out as they grow, for a build whose chunks are streamed.
    let mut spill = match (sink, spill) {
        (Some(_), Some(options)) => Some(spill::Spill::new(options, WORD_SHARDS)?),
        _ => None,
    };
    // The bytes of the pages merged since the last spill (their words' entries).
    let mut held = 0;
    // With a cache, the pages are all kept (the cache keeps them), and merged at the end.
    let mut all_pages: Vec<Arc<ProcessedPage>> = Vec::new();
    let mut filter_map: HashMap<String, HashMap<String, Vec<usize>>> = HashMap::new();
    let mut slots: Vec<PageSlot> = Vec::new();
    let mut fragment_names = FragmentNames::default();

    // The metadata fields of every page: known before the records are fossicked, since a
    // record's metadata is given with it.
    let mut meta_fields_set: BTreeSet<String> = BTreeSet::new();
    for page in pages.iter() {
        meta_fields_set.extend(page.fragment.data.meta.keys().cloned());
    }
    for record in records.iter() {
        meta_fields_set.extend(record.meta_keys().cloned());
    }
    if let Some(stream) = &stream {
        meta_fields_set.extend(stream.meta_keys.iter().cloned());
    }
    meta.meta_fields = meta_fields_set.into_iter().collect();

    // The sort keys of each page, by page number, collected as the pages are numbered.
    let mut page_sorts: Vec<(usize, BTreeMap<String, String>)> = Vec::new();

    // The pages already fossicked, then the records, fossicked and processed in parallel a
    // batch at a time, so that they are never all held fossicked at once; each batch's words
    // merged before the next. Pages are numbered in this order; a record with no words is
    // left out, as a page with none is before this is called. A record the build before
    // processed (the same data at the same URL) is not processed again.
    let mut old_records = match cache.as_mut() {
        Some(cache) if cache.meta_fields == meta.meta_fields => std::mem::take(&mut cache.records),
        _ => HashMap::new(),
    };
    let caching = cache.is_some();
    let mut kept_records = HashMap::new();
    let meta_fields = &meta.meta_fields;
    let mut pages = pages.into_iter();
    let mut records = records.into_iter();
    let mut next_page = 0;
    loop {
        let fossicked: Vec<FossickedData> = pages.by_ref().take(PAGE_BATCH).collect();
        let batch: Vec<Arc<ProcessedPage>> = if !fossicked.is_empty() {
            fossicked
                .into_par_iter()
                .map(|page| Arc::new(process_page(page, meta_fields, &language)))
                .collect()
        } else {
            let mut fossickers: Vec<Fossicker> = records.by_ref().take(PAGE_BATCH).collect();
            if let (true, Some(stream)) = (fossickers.is_empty(), &stream) {
                let language = options.force_language.as_ref();
                fossickers = (stream.records.iter().take(PAGE_BATCH))
                    .map(|record| record.into_fossicker(language))
                    .collect();
            }
            if fossickers.is_empty() {
                break;
            }
            let processed: Vec<Result<(Outcome, Option<Arc<ProcessedPage>>)>> = fossickers
                .into_par_iter()
                .map(|record| {
                    let url = record.record_url().map(str::to_string);
                    if let (Some(url), Some(data)) = (url, record.record_data()) {
                        if let Some((before, page)) = old_records.get(&url) {
                            if before == data {
                                return Ok((Outcome::Reused(url), page.clone()));
                            }
                        }
                        let kept = caching.then(|| (url, data.clone()));
                        let page = record.fossick_sync(options)?;
                        let page = (!page.word_data.is_empty())
                            .then(|| Arc::new(process_page(page, meta_fields, &language)));
                        return Ok((Outcome::Made(kept), page));
                    }
                    let page = record.fossick_sync(options)?;
                    let page = (!page.word_data.is_empty())
                        .then(|| Arc::new(process_page(page, meta_fields, &language)));
                    Ok((Outcome::Made(None), page))
                })
                .collect();
            let mut batch = Vec::with_capacity(processed.len());
            for result in processed {
                let (outcome, page) = result?;
                match outcome {
                    Outcome::Reused(url) => {
                        if let Some(entry) = old_records.remove(&url) {
                            kept_records.insert(url, entry);
                        }
                    }
                    Outcome::Made(Some((url, data))) => {
                        kept_records.insert(url, (data, page.clone()));
                    }
                    Outcome::Made(None) => {}
                }
                batch.extend(page);
            }
            batch
        };

        let first_page = next_page;
        next_page += batch.len();
        for (i, page) in batch.iter().enumerate() {
            if !page.sort.is_empty() {
                page_sorts.push((first_page + i, page.sort.clone()));
            }
        }

        if caching {
            all_pages.extend(batch.iter().cloned());
        } else {
            merge_words(&mut word_shards, false, &batch, first_page);
            if let Some(spill) = spill.as_mut() {
                held += batch
                    .iter()
                    .flat_map(|page| page.words.iter())
                    .map(|words| words.bytes.len())
                    .sum::<usize>();
                if held >= spill.after_bytes {
                    spill_words(&mut word_shards, spill)?;
                    held = 0;
                }
            }
        }

        // Merge the rest sequentially
        let mut streamed: Vec<(String, &str)> = Vec::new();
        for (i, page) in batch.iter().enumerate() {
            let page_number = first_page + i;
            for (filter, value) in &page.filters {
                filter_map
                    .entry_ref(filter.as_str())
                    .or_default()
                    .entry_ref(value.as_str())
                    .or_default()
                    .push(page_number);
            }

            // Handle fragment hashing (must be sequential due to collision handling)
            debug_assert_eq!(slots.len(), page_number);
            let slot = PageSlot {
                name: Box::default(),
                full_hash: page.full_hash.as_str().into(),
                word_count: page.word_count as u32,
                // A fragment given to the sink is not kept (its name is, below).
                encoded_data: if sink.is_some() {
                    Box::default()
                } else {
                    page.encoded_data.as_str().into()
                },
            };
            let name = fragment_names.add(&mut slots, slot, &language);
            if sink.is_some() {
                streamed.push((name.to_string(), &page.encoded_data));
            }
        }
        if let Some(sink) = sink {
            // The same bytes as `write_files` makes of a fragment it is given.
            streamed
                .into_par_iter()
                .with_max_len(16)
                .try_for_each(|(hash, data)| {
                    sink(
                        &format!("fragment/{hash}.pf_fragment"),
                        crate::output::gzip_file(data.as_bytes()),
                    )
                    .map_err(|e| anyhow::anyhow!(e))
                })?;
        }
    }
    if let Some(cache) = cache.as_mut() {
        let merged = match cache.merged.take().and_then(|before| remerge_words(before, &all_pages)) {
            Some(merged) => merged,
            None => {
                merge_words(&mut word_shards, true, &all_pages, 0);
                Merged {
                    pages: std::mem::take(&mut all_pages),
                    shards: std::mem::take(&mut word_shards),
                }
            }
        };
        cache.merged = Some(merged);
        cache.meta_fields = meta.meta_fields.clone();
        cache.records = kept_records;
    }
    drop(pages);
    drop(records);
    drop(stream);
    drop(old_records);

    // Get all possible sort keys
    let mut sorts: Vec<_> = page_sorts
        .iter()
        .flat_map(|(_, sort)| sort.keys().cloned())
        .collect();
    sorts.sort_unstable();
    sorts.dedup();

    // Determine the best sorting parser that fits all available values for each given key
    let mut sort_types: BTreeMap<String, SortType> = BTreeMap::new();
    for sort in sorts.iter() {
        let mut sort_values = page_sorts.iter().flat_map(|(_, page_sort)| page_sort.get(sort));
        sort_types.insert(
            sort.clone(),
            if sort_values.all(|v| parse_int_sort(v).is_some() || parse_float_sort(v).is_some()) {
                SortType::Number
            } else {
                SortType::String
            },
        );
    }

    for (sort_key, sort_type) in sort_types {
        let mut page_values: Vec<_> = page_sorts
            .iter()
            .flat_map(|(page_number, page_sort)| {
                page_sort.get(&sort_key).map(|v| (v, *page_number))
            })
            .collect();
        options.logger.v_info(format!(
            "Prebuilding sort order for {sort_key}, processed as type: {sort_type:#?}"
        ));
        match sort_type {
            SortType::String => page_values.sort_by_key(|p| p.0),
            SortType::Number => page_values.sort_by(|p1, p2| {
                let p1 = parse_int_sort(p1.0)
                    .map(|i| i as f32)
                    .unwrap_or_else(|| parse_float_sort(p1.0).unwrap_or_default());
                let p2 = parse_int_sort(p2.0)
                    .map(|i| i as f32)
                    .unwrap_or_else(|| parse_float_sort(p2.0).unwrap_or_default());

                p1.total_cmp(&p2)
            }),
        }
        meta.sorts.push(MetaSort {
            sort: sort_key,
            pages: page_values.into_iter().map(|p| p.1).collect(),
        });
    }

    // The pages are in their order already (1.6.0 sorted a list of them made from its map).
    drop(fragment_names);
    let fragments = slots;
    let page_count = fragments.len();
    let mut final_fragments = Vec::new();

    if let Some(max_fragments) =
        options.max_fragments.filter(|&m| m > 0 && (m as usize) < fragments.len())
    {
        let group_size = (fragments.len() as f32 / max_fragments as f32).ceil() as usize;
        options.logger.info(format!(
            "Bundling {} fragments into groups of {}, resulting in {} files",
            fragments.len(),
            group_size,
            fragments.chunks(group_size).len()
        ));
        let mut group_hashes: BTreeSet<String> = BTreeSet::new();
        for chunk in fragments.chunks(group_size) {
            let mut group_map = BTreeMap::new();
            for frag in chunk {
                let val: serde_json::Value = serde_json::from_str(&frag.encoded_data).unwrap();
                group_map.insert(frag.name.to_string(), val);
            }
            let group_json = serde_json::to_string(&group_map).unwrap();
            let prefix = format!("{language}_group_");
            let group_hash = format!("{prefix}{}", full_hash(group_json.as_bytes()));

            // If we hit a collision, extend one hash until we stop colliding
            let mut hash_length = 7;
            let mut short_group_hash = &group_hash[..prefix.len() + hash_length];
            while group_hashes.contains(short_group_hash) && hash_length < 40 {
                hash_length += 1;
                short_group_hash = &group_hash[..prefix.len() + hash_length];
            }
            group_hashes.insert(short_group_hash.to_string());

            final_fragments.push((short_group_hash.to_string(), group_json));

            for frag in chunk {
                meta.pages.push(MetaPage {
                    hash: frag.name.to_string(),
                    word_count: frag.word_count,
                    group_hash: short_group_hash.to_string(),
                });
            }
        }
    } else {
        meta.pages.reserve_exact(fragments.len());
        for frag in fragments {
            let hash = frag.name.into_string();
            if sink.is_none() {
                final_fragments.push((hash.clone(), frag.encoded_data.into_string()));
            }
            meta.pages.push(MetaPage {
                hash,
                word_count: frag.word_count,
                group_hash: "".into(),
            });
        }
    }

    // Encode filter indexes in parallel
    // Accumulate into HashMap for O(1) inserts, then sort once before encoding
    // to produce a stable hash without paying BTreeMap's per-insert overhead.
    let mut filter_map_vec: Vec<_> = filter_map.into_iter().collect();
    filter_map_vec.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
    let encoded_filters: Vec<(String, Vec<u8>, String)> = filter_map_vec
        .into_par_iter()
        .map(|(filter, values)| {
            let mut sorted_values: Vec<_> = values.into_iter().collect();
            sorted_values.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
            let mut filter_index: Vec<u8> = Vec::new();
            let _ = minicbor::encode::<FilterIndex, &mut Vec<u8>>(
                FilterIndex {
                    filter: filter.clone(),
                    values: sorted_values
                        .into_iter()
                        .map(|(value, pages)| PackedValue { value, pages })
                        .collect(),
                },
                filter_index.as_mut(),
            );
            let hash = format!("{}_{}", language, full_hash(&filter_index));
            (filter, filter_index, hash)
        })
        .collect();

    // Handle hash collisions sequentially (required for correctness)
    let mut filter_indexes = HashMap::new();
    for (filter, filter_index, hash) in encoded_filters {
        let mut short_hash = &hash[0..=(language.len() + 7)];

        // If we hit a collision, extend one hash until we stop colliding
        // TODO: DRY
        while filter_indexes.contains_key(short_hash) {
            let new_length = short_hash.len() + 1;
            short_hash = &hash[0..=new_length];

            if short_hash.len() == hash.len() {
                break;
            }
        }
        filter_indexes.insert(short_hash.to_string(), filter_index);
        meta.filters.push(MetaFilter {
            filter,
            hash: short_hash.to_string(),
        })
    }

    if TryInto::<u32>::try_into(meta.pages.len()).is_err() {
        options.logger.error(format!(
            "Language {} has too many documents to index, must be < {}",
            language,
            u32::MAX
        ));
        bail!(
            "Language {language} has too many documents to index, must be < {}",
            u32::MAX
        );
    }

    // Each word's pages were merged in page order, already encoded.
    let mut word_indexes: HashMap<String, Vec<u8>> = HashMap::new();
    let word_count = match sink {
        // Without a cache, the words are the build's own: each group of chunks is encoded,
        // named, compressed and handed to the sink, and its words' pages freed, before the
        // next (the words' pages, their encoded chunks and the compressed files were all held
        // at once at the end).
        Some(sink) => {
            // Sized once, and each shard freed as soon as its words are moved: a million words
            // collected by doubling were held two and three times over for a moment.
            let shards = std::mem::take(&mut word_shards);
            let mut words = Vec::with_capacity(shards.iter().map(HashMap::len).sum());
            for shard in shards {
                words.extend(shard);
            }
            let chunking = (language.as_str(), options.index_chunk_size);
            stream_word_indexes(words, &mut meta, chunking, sink, spill.as_ref())?
        }
        None => {
            let merged = cache.as_mut().and_then(|c| c.merged.take());
            let words: Vec<Word> = match &merged {
                Some(merged) => merged.shards.iter().flatten().map(|(w, i)| (&**w, &**i)).collect(),
                None => word_shards.iter().flatten().map(|(w, i)| (&**w, &**i)).collect(),
            };
            // TODO: Parameterize these chunk sizes via byte size rather than word count
            let word_count = words.len();
            let chunks = chunk_index(words, options.index_chunk_size);
            meta.index_chunks = chunk_meta(&chunks);

            // Encode word index chunks in parallel (the words' pages are already delta-encoded CBOR)
            let encoded_chunks: Vec<(usize, Vec<u8>, String)> = chunks
                .into_par_iter()
                .enumerate()
                .map(|(i, chunk)| {
                    let word_index = encode_chunk(&chunk);
                    let hash = format!("{}_{}", language, full_hash(&word_index));
                    (i, word_index, hash)
                })
                .collect();
            if let Some(cache) = cache.as_mut() {
                cache.merged = merged;
            }
            drop(word_shards);

            // Handle hash collisions sequentially (required for correctness)
            for (i, word_index, hash) in encoded_chunks {
                let short_hash = chunk_name(&hash, &language, |name| word_indexes.contains_key(name));
                meta.index_chunks[i].hash = short_hash.into();
                word_indexes.insert(short_hash.to_string(), word_index);
            }
            word_count
        }
    };

    let mut meta_index: Vec<u8> = Vec::new();
    let _ = minicbor::encode::<MetaIndex, &mut Vec<u8>>(meta, meta_index.as_mut());

    let meta_hash = format!(
        "{}_{}",
        language,
        &full_hash(&meta_index)[0..=(language.len() + 7)]
    );

    Ok(PagefindIndexes {
        word_indexes,
        filter_indexes,
        sorts,
        meta_index: (meta_hash, meta_index),
        fragments: final_fragments,
        language,
        word_count,
        page_count,
        cache: std::sync::Mutex::new(cache),
    })
}

/// The chunks of word index encoded, named and compressed a group at a time: at most this
/// many chunks in a group...
pub(crate) const CHUNK_GROUP: usize = 16;
/// ... and at most this many bytes of words' pages, unless a chunk alone weighs more. A word
/// found on most pages of a large index is a chunk of its own, of tens of megabytes at a
/// million pages: sixteen of them side by side in the sorted words, held at once with their
/// encoded and compressed bytes, were the last peak of the build.
pub(crate) const GROUP_BYTES: usize = 32 << 20;

/// The groups of chunks encoded together, in order, as numbers of chunks: `CHUNK_GROUP`
/// chunks at most, and no more than `budget` bytes of words' pages, unless a chunk alone
/// weighs more (it is then a group of its own). `sizes` are the chunks' sizes.
fn groups(sizes: &[usize], budget: usize) -> Vec<usize> {
    let mut groups = Vec::new();
    let (mut count, mut bytes) = (0, 0);
    for &size in sizes {
        if count > 0 && (count == CHUNK_GROUP || bytes + size > budget) {
            groups.push(count);
            (count, bytes) = (0, 0);
        }
        count += 1;
        bytes += size;
    }
    if count > 0 {
        groups.push(count);
    }
    groups
}

/// The name of a word index chunk whose full hash is `hash`: its first characters, more of
/// them while `taken` says the name is another chunk's.
fn chunk_name<'h>(hash: &'h str, language: &str, taken: impl Fn(&str) -> bool) -> &'h str {
    let mut short_hash = &hash[0..=(language.len() + 7)];
    // If we hit a collision, extend one hash until we stop colliding
    while taken(short_hash) {
        let new_length = short_hash.len() + 1;
        short_hash = &hash[0..=new_length];

        if short_hash.len() == hash.len() {
            break;
        }
    }
    short_hash
}

/// The word index chunks of `words` (every word of the index, each once) handed to `sink`
/// as `write_files` would write them, a group at a time in their order (`groups`): each group
/// encoded in parallel, named in order (the names `build_indexes` gives them otherwise),
/// compressed in parallel, its words freed. Fills the metadata's chunks; the number of words.
fn stream_word_indexes(
    mut words: Vec<(Box<str>, Box<IndexedWord>)>,
    meta: &mut MetaIndex,
    (language, chunk_size): (&str, usize),
    sink: &crate::service::api::FragmentSink,
    spill: Option<&spill::Spill>,
) -> Result<usize> {
    words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let word_count = words.len();
    // Each chunk's number of words and bytes of pages.
    let (lengths, sizes): (Vec<usize>, Vec<usize>) = {
        let refs: Vec<Word> = words.iter().map(|(w, i)| (&**w, &**i)).collect();
        let chunks = chunk_index(refs, chunk_size);
        meta.index_chunks = chunk_meta(&chunks);
        chunks
            .iter()
            .map(|chunk| (chunk.len(), chunk.iter().map(|(_, i)| i.size).sum::<usize>()))
            .unzip()
    };
    let mut names: hashbrown::HashSet<String> = hashbrown::HashSet::new();
    let mut words = words.into_iter();
    let mut lengths = lengths.into_iter();
    let mut first = 0;
    for count in groups(&sizes, GROUP_BYTES) {
        let group: Vec<Vec<(Box<str>, Box<IndexedWord>)>> = lengths
            .by_ref()
            .take(count)
            .map(|n| words.by_ref().take(n).collect())
            .collect();
        let encoded: Vec<(Vec<u8>, String)> = group
            .into_par_iter()
            .map(|mut chunk| {
                if let Some(spill) = spill {
                    for (word, indexed) in chunk.iter_mut() {
                        indexed.restore(spill, word_shard(word))?;
                    }
                }
                let refs: Vec<Word> = chunk.iter().map(|(w, i)| (&**w, &**i)).collect();
                let word_index = encode_chunk(&refs);
                let hash = format!("{}_{}", language, full_hash(&word_index));
                Ok((word_index, hash))
            })
            .collect::<std::io::Result<_>>()?;
        let mut named = Vec::with_capacity(encoded.len());
        for (k, (word_index, hash)) in encoded.into_iter().enumerate() {
            let name = chunk_name(&hash, language, |name| names.contains(name)).to_string();
            meta.index_chunks[first + k].hash = name.clone();
            names.insert(name.clone());
            named.push((name, word_index));
        }
        named.into_par_iter().try_for_each(|(name, word_index)| {
            sink(
                &format!("index/{name}.pf_index"),
                crate::output::gzip_file(&word_index),
            )
            .map_err(|e| anyhow::anyhow!(e))
        })?;
        first += count;
    }
    Ok(word_count)
}

/// The page number of a page's entries before it is numbered (`EncodedPages::push` gives them
/// theirs).
const PAGE: usize = 0;

/// Processes a page for the index: its words' entries, in the shard of each word. Independent
/// of its place in the index, so that a build can reuse what the build before processed.
fn process_page(mut page: FossickedData, meta_fields: &[String], language: &str) -> ProcessedPage {
    // Each word's entry by the word, which is moved in (not copied) and given to the entry at
    // the end.
    let mut local_word_map: HashMap<String, PackedWord> =
        HashMap::with_capacity(page.word_data.len());

    // Meta field IDs were assigned per-page,
    // but need to be remapped to the global meta_fields order.
    let page_field_order: Vec<&String> = page.fragment.data.meta.keys().collect();
    let field_id_map: Vec<u16> = page_field_order
        .iter()
        .map(|name| meta_fields.iter().position(|f| f == *name).unwrap() as u16)
        .collect();

    for (word, positions) in page.word_data {
        // Most words are written as they are normalised everywhere on a page: their positions
        // are the entry as they are.
        if positions.iter().all(|p| p.original_word.is_none()) {
            local_word_map.insert(
                word,
                PackedWord {
                    word: String::new(),
                    pages: vec![positions_to_packed_page(positions, PAGE)],
                    additional_variants: Vec::new(),
                },
            );
            continue;
        }
        // Group positions by original_word for this page
        let mut normalized_positions: Vec<FossickedWord> = Vec::new();
        let mut variant_positions: BTreeMap<String, Vec<FossickedWord>> = BTreeMap::new();

        for fossicked in positions {
            if fossicked.original_word.is_none() {
                // No diacritics - original matches normalized form
                normalized_positions.push(fossicked);
            } else {
                // Original form differs (has diacritics) - stored instead in additional_variants
                variant_positions
                    .entry(fossicked.original_word.clone().unwrap())
                    .or_default()
                    .push(fossicked);
            }
        }

        let packed_word =
            local_word_map
                .entry(word)
                .or_insert_with(|| PackedWord {
                    word: String::new(),
                    pages: Vec::new(),
                    additional_variants: Vec::new(),
                });

        if !normalized_positions.is_empty() {
            packed_word.pages.push(positions_to_packed_page(
                normalized_positions,
                PAGE,
            ));
        }

        for (variant_form, variant_pos) in variant_positions {
            let variant_page =
                positions_to_packed_page(variant_pos, PAGE);

            if let Some(existing_variant) = packed_word
                .additional_variants
                .iter_mut()
                .find(|v| v.form == variant_form)
            {
                existing_variant.pages.push(variant_page);
            } else {
                packed_word.additional_variants.push(PackedVariant {
                    form: variant_form,
                    pages: vec![variant_page],
                });
            }
        }
    }

    for (word, meta_positions) in page.meta_word_data {
        let mut normalized_meta_positions: Vec<MetaFossickedWord> = Vec::new();
        let mut variant_meta_positions: BTreeMap<String, Vec<MetaFossickedWord>> =
            BTreeMap::new();

        for mut meta_fossicked in meta_positions {
            meta_fossicked.field_id = field_id_map[meta_fossicked.field_id as usize];
            if let Some(original) = meta_fossicked.original_word.clone() {
                variant_meta_positions
                    .entry(original)
                    .or_default()
                    .push(meta_fossicked);
            } else {
                normalized_meta_positions.push(meta_fossicked);
            }
        }

        let packed_word =
            local_word_map
                .entry(word)
                .or_insert_with(|| PackedWord {
                    word: String::new(),
                    pages: Vec::new(),
                    additional_variants: Vec::new(),
                });

        if !normalized_meta_positions.is_empty() {
            let meta_locs = meta_positions_to_packed(normalized_meta_positions);

            if let Some(existing_page) = packed_word
                .pages
                .iter_mut()
                .find(|p| p.page_number == PAGE)
            {
                existing_page.meta_locs = meta_locs;
            } else {
                packed_word.pages.push(PackedPage {
                    page_number: PAGE,
                    locs: vec![],
                    meta_locs,
                });
            }
        }

        // Handle diacritic variants in meta
        for (variant_form, variant_pos) in variant_meta_positions {
            let meta_locs = meta_positions_to_packed(variant_pos);

            if let Some(existing_variant) = packed_word
                .additional_variants
                .iter_mut()
                .find(|v| v.form == variant_form)
            {
                if let Some(existing_page) = existing_variant
                    .pages
                    .iter_mut()
                    .find(|p| p.page_number == PAGE)
                {
                    existing_page.meta_locs = meta_locs;
                } else {
                    existing_variant.pages.push(PackedPage {
                        page_number: PAGE,
                        locs: vec![],
                        meta_locs,
                    });
                }
            } else {
                packed_word.additional_variants.push(PackedVariant {
                    form: variant_form,
                    pages: vec![PackedPage {
                        page_number: PAGE,
                        locs: vec![],
                        meta_locs,
                    }],
                });
            }
        }
    }

    let filters: Vec<(String, String)> = page
        .fragment
        .data
        .filters
        .iter()
        .flat_map(|(filter, values)| {
            values.iter().map(move |value| (filter.clone(), value.clone()))
        })
        .collect();

    let encoded_data = serde_json::to_string(&page.fragment.data).unwrap();

    let mut words: Vec<Vec<PackedWord>> = (0..WORD_SHARDS).map(|_| Vec::new()).collect();
    for (word, mut packed) in local_word_map {
        let shard = word_shard(&word);
        packed.word = word;
        words[shard].push(packed);
    }
    // Sorted, so that a word's entry is found in them by a search (`PageWords::get`).
    for shard in words.iter_mut() {
        shard.sort_unstable_by(|a, b| a.word.cmp(&b.word));
    }
    ProcessedPage {
        words: words.iter().map(|shard| PageWords::of(shard)).collect(),
        filters,
        full_hash: format!("{}_{}", language, full_hash(encoded_data.as_bytes())),
        word_count: page.fragment.data.word_count,
        encoded_data,
        sort: std::mem::take(&mut page.sort),
    }
}

/// Convert fossicked word positions to a packed page representation.
/// Sorts by weight (with common weight 25 first) then by position for delta encoding.
fn positions_to_packed_page(mut positions: Vec<FossickedWord>, page_number: usize) -> PackedPage {
    // A page weight of 1 is encoded as 25. Since most words should be this weight,
    // we want to sort them to be first in the locations array to reduce filesize
    // when we inline weight changes.
    // We then sort by position within each weight group,
    // which helps us delta encode the index.
    // Two positions with the same key are written the same: an unstable sort, with no list
    // of keys made, gives the same entry.
    positions.sort_unstable_by_key(|p| (if p.weight == 25 { 0 } else { p.weight }, p.position));

    let mut current_weight = 25;
    let mut weighted_positions = Vec::with_capacity(positions.len());
    let mut last_position = 0;

    // Calculate our output list of positions with weights.
    // This is a vec of page positions, with a change in weight for subsequent positions
    // denoted by a negative integer.
    for FossickedWord {
        position, weight, ..
    } in positions
    {
        if weight != current_weight {
            // Weight change: emit marker + absolute position, new delta base
            weighted_positions.push(-(weight as i32) - 1);
            weighted_positions.push(position as i32);
            last_position = position;
            current_weight = weight;
        } else {
            // emit delta from previous position
            weighted_positions.push((position - last_position) as i32);
            last_position = position;
        }
    }

    PackedPage {
        page_number,
        locs: weighted_positions,
        meta_locs: vec![],
    }
}

fn chunk_index(mut words: Vec<Word>, chunk_size: usize) -> Vec<Vec<Word>> {
    // Accumulated into HashMaps for O(1) inserts, then sorted once before encoding
    // to produce a stable hash without paying BTreeMap's per-insert overhead.
    // Each word is in the map once: an unstable sort by reference is the same order, with no
    // copy of every word.
    words.sort_unstable_by(|a, b| a.0.cmp(&b.0));

    let mut index_chunks = Vec::new();

    let mut index_chunk = Vec::new();
    let mut index_chunk_size = 0;
    for word in words.into_iter() {
        index_chunk_size += word.1.size;
        let ends = ends_chunk(&word.0, word.1.size, index_chunk_size, chunk_size);
        index_chunk.push(word);
        if ends {
            index_chunks.push(std::mem::take(&mut index_chunk));
            index_chunk_size = 0;
        }
    }
    if !index_chunk.is_empty() {
        index_chunks.push(index_chunk);
    }

    index_chunks
}

fn chunk_meta(indexes: &[Vec<Word>]) -> Vec<MetaChunk> {
    let mut named_chunks: Vec<MetaChunk> = Vec::new();

    for chunk in indexes.iter() {
        named_chunks.push(MetaChunk {
            from: chunk.first().map_or("".into(), |w| w.0.to_string()),
            to: chunk.last().map_or("".into(), |w| w.0.to_string()),
            hash: "".into(),
        });
    }
    if named_chunks.len() > 1 {
        for i in 0..named_chunks.len() - 1 {
            let chunks = &mut named_chunks[i..=i + 1];
            let prefixes = get_prefixes((&chunks[0].to, &chunks[1].from));
            // Only trim 'to' if it won't create an invalid range (to < from)
            if prefixes.0 >= chunks[0].from {
                chunks[0].to = prefixes.0;
            }
            // Always trim the next chunk's 'from'
            chunks[1].from = prefixes.1;
        }
    }

    named_chunks
}

fn get_prefixes((a, b): (&str, &str)) -> (String, String) {
    let common_prefix_length: usize = b
        .chars()
        .zip(a.chars())
        .take_while(|&(a, b)| a == b)
        .count();

    let a_prefix = a.chars().take(common_prefix_length + 1).collect::<String>();
    let b_prefix = b.chars().take(common_prefix_length + 1).collect::<String>();

    (a_prefix, b_prefix)
}

fn parse_int_sort(value: &str) -> Option<i32> {
    lexical_core::parse::<i32>(value.as_bytes()).ok()
}

fn parse_float_sort(value: &str) -> Option<f32> {
    lexical_core::parse::<f32>(value.as_bytes()).ok()
}

/// Encode meta positions with field ID markers.
/// Negative numbers switch field IDs, positive numbers are delta-encoded positions.
/// e.g., [-1, 0, 5, -4, 2] means: field 0 positions [0, 5], field 3 positions [2]
fn meta_positions_to_packed(mut positions: Vec<MetaFossickedWord>) -> Vec<i32> {
    if positions.is_empty() {
        return vec![];
    }

    positions.sort_by_key(|p| (p.field_id, p.position));

    let mut current_field: Option<u16> = None;
    let mut last_position: u32 = 0;
    let mut result = Vec::with_capacity(positions.len() + 8);

    for MetaFossickedWord {
        field_id, position, ..
    } in positions
    {
        if Some(field_id) != current_field {
            result.push(-((field_id as i32) + 1));
            current_field = Some(field_id);
            last_position = 0;
        }
        result.push((position - last_position) as i32);
        last_position = position;
    }

    result
}

#[cfg(test)]
mod tests {
    use super::*;

    trait Mock {
        fn word(&mut self, word: &str, page_number: usize, locs: Vec<i32>);
    }
    impl Mock for HashMap<String, PackedWord> {
        fn word(&mut self, word: &str, page_number: usize, locs: Vec<i32>) {
            let page = PackedPage {
                page_number,
                locs,
                meta_locs: vec![],
            };
            match self.get_mut(word) {
                Some(w) => w.pages.push(page),
                None => {
                    let _ = self.insert(
                        word.into(),
                        PackedWord {
                            word: word.into(),
                            pages: vec![page],
                            additional_variants: vec![],
                        },
                    );
                }
            }
        }
    }

    fn test_words() -> HashMap<String, PackedWord> {
        let mut words = HashMap::new();
        words.word("apple", 1, vec![20, 40, 60]);
        words.word("apple", 5, vec![3, 6, 9]);
        words.word("apricot", 5, vec![45, 3432, 6003]);
        words.word("banana", 5, vec![100, 500, 900, 566]);
        words.word("peach", 5, vec![383, 2, 678]);

        words
    }

    /// The words as the index holds them.
    fn indexed(words: HashMap<String, PackedWord>) -> Vec<(String, IndexedWord)> {
        words
            .into_iter()
            .map(|(word, packed)| {
                // Merged a page at a time, as `build_indexes` does.
                let mut pages: Vec<(usize, PackedWord)> = Vec::new();
                fn at<'a>(
                    pages: &'a mut Vec<(usize, PackedWord)>,
                    word: &str,
                    page_number: usize,
                ) -> &'a mut PackedWord {
                    let i = match pages.iter().position(|(n, _)| *n == page_number) {
                        Some(i) => i,
                        None => {
                            pages.push((
                                page_number,
                                PackedWord {
                                    word: word.into(),
                                    pages: vec![],
                                    additional_variants: vec![],
                                },
                            ));
                            pages.len() - 1
                        }
                    };
                    &mut pages[i].1
                }
                for page in &packed.pages {
                    at(&mut pages, &word, page.page_number).pages.push(page.clone());
                }
                for variant in &packed.additional_variants {
                    for page in &variant.pages {
                        at(&mut pages, &word, page.page_number)
                            .additional_variants
                            .push(PackedVariant {
                                form: variant.form.clone(),
                                pages: vec![page.clone()],
                            });
                    }
                }
                pages.sort_by_key(|(n, _)| *n);
                let mut indexed = IndexedWord::default();
                for (page_number, word) in pages {
                    let words = PageWords::of(std::slice::from_ref(&word));
                    indexed.merge(&words.iter().next().unwrap(), page_number);
                }
                (word, indexed)
            })
            .collect()
    }

    /// A page of random words (of a small vocabulary, some with variants, some in metadata).
    fn random_page(seed: &mut u64) -> Arc<ProcessedPage> {
        fn next(seed: &mut u64, n: u64) -> u64 {
            *seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (*seed >> 33) % n
        }
        fn page(seed: &mut u64) -> PackedPage {
            let locs: Vec<i32> = (0..1 + next(seed, 4)).map(|_| next(seed, 3000) as i32).collect();
            PackedPage {
                page_number: PAGE,
                locs,
                meta_locs: if next(seed, 4) == 0 { vec![1, 2] } else { vec![] },
            }
        }
        let mut words: Vec<Vec<PackedWord>> = (0..WORD_SHARDS).map(|_| Vec::new()).collect();
        let mut chosen: Vec<u64> = (0..next(seed, 12)).map(|_| next(seed, 30)).collect();
        chosen.sort_unstable();
        chosen.dedup();
        for w in chosen {
            let word = format!("mot{w}");
            let pages = if next(seed, 3) > 0 { vec![page(seed)] } else { vec![] };
            let mut additional_variants = Vec::new();
            for v in 0..3 {
                if next(seed, 3) == 0 || (pages.is_empty() && v == 2 && additional_variants.is_empty()) {
                    additional_variants.push(PackedVariant {
                        form: format!("{word}{}", ["é", "è", "ê"][v]),
                        pages: vec![page(seed)],
                    });
                }
            }
            if next(seed, 2) == 0 {
                additional_variants.reverse();
            }
            words[word_shard(&word)].push(PackedWord {
                word,
                pages,
                additional_variants,
            });
        }
        for shard in words.iter_mut() {
            shard.sort_unstable_by(|a, b| a.word.cmp(&b.word));
        }
        Arc::new(ProcessedPage {
            words: words.iter().map(|shard| PageWords::of(shard)).collect(),
            filters: vec![],
            full_hash: String::new(),
            encoded_data: String::new(),
            word_count: 0,
            sort: BTreeMap::new(),
        })
    }

    /// The words as `encode_chunk` writes them, with their sizes.
    fn encoded(shards: &WordShards) -> Vec<(String, Vec<u8>, usize)> {
        let mut words: Vec<(String, Vec<u8>, usize)> = shards
            .iter()
            .flatten()
            .map(|(w, i)| (w.to_string(), encode_chunk(&[(&**w, &**i)]), i.size))
            .collect();
        words.sort();
        words
    }

    #[test]
    fn remerging_the_changed_pages_is_merging_every_page() {
        let mut seed = 7;
        for round in 0..200 {
            let mut pages: Vec<Arc<ProcessedPage>> = (0..40).map(|_| random_page(&mut seed)).collect();
            let mut shards: WordShards = (0..WORD_SHARDS).map(|_| HashMap::new()).collect();
            merge_words(&mut shards, true, &pages, 0);
            let mut merged = Merged { pages: pages.clone(), shards };
            for _ in 0..3 {
                // One to five pages changed, one of them maybe the first or the last.
                let count = 1 + (seed >> 40) % 5;
                for k in 0..count {
                    let i = match k {
                        0 if round % 3 == 0 => 0,
                        0 if round % 3 == 1 => pages.len() - 1,
                        _ => ((seed >> 20) as usize + 7 * k as usize) % pages.len(),
                    };
                    pages[i] = random_page(&mut seed);
                }
                merged = remerge_words(merged, &pages).expect("few pages changed");
                let mut again: WordShards = (0..WORD_SHARDS).map(|_| HashMap::new()).collect();
                merge_words(&mut again, false, &pages, 0);
                assert_eq!(encoded(&merged.shards), encoded(&again), "round {round}");
            }
        }
    }

    #[test]
    fn page_entries_encode_as_packed_pages() {
        let locs = vec![3, -7, 300, 70_000];
        let meta_locs = vec![-1, 2];
        let words = PageWords::of(&[PackedWord {
            word: "mot".into(),
            pages: vec![PackedPage {
                page_number: PAGE,
                locs: locs.clone(),
                meta_locs: meta_locs.clone(),
            }],
            additional_variants: vec![],
        }]);
        let entry = words.get("mot").unwrap().pages.next().unwrap();
        for delta in [0, 1, 23, 24, 255, 256, 65_535, 65_536, 5_000_000] {
            let mut expected = Vec::new();
            minicbor::encode(
                PackedPage {
                    page_number: delta,
                    locs: locs.clone(),
                    meta_locs: meta_locs.clone(),
                },
                &mut expected,
            )
            .unwrap();
            let mut pages = EncodedPages::default();
            pages.push(entry, delta);
            assert_eq!(pages.bytes, expected, "page {delta}");
        }
    }

    /// The same postings, but held as diacritic variants rather than on the word itself
    fn test_variant_words() -> HashMap<String, PackedWord> {
        let mut words = test_words();
        for word in words.values_mut() {
            word.additional_variants.push(PackedVariant {
                form: format!("{}\u{0301}", word.word),
                pages: std::mem::take(&mut word.pages),
            });
        }
        words
    }

    #[test]
    fn encoded_chunks_are_what_word_index_encodes() {
        for words in [test_words(), test_variant_words()] {
            let mut packed: Vec<PackedWord> = words.values().cloned().collect();
            packed.sort_by(|a, b| a.word.cmp(&b.word));
            for word in packed.iter_mut() {
                for pages in std::iter::once(&mut word.pages)
                    .chain(word.additional_variants.iter_mut().map(|v| &mut v.pages))
                {
                    let mut last_page = 0;
                    for page in pages.iter_mut() {
                        let delta = page.page_number - last_page;
                        last_page = page.page_number;
                        page.page_number = delta;
                    }
                }
            }
            let mut expected: Vec<u8> = Vec::new();
            minicbor::encode(WordIndex { words: packed }, &mut expected).unwrap();
            let indexed = indexed(words);
            let mut words: Vec<Word> = indexed.iter().map(|(w, i)| (w.as_str(), i)).collect();
            words.sort_by(|a, b| a.0.cmp(b.0));
            assert_eq!(encode_chunk(&words), expected);
        }
    }

    /// Words `w0000`… of sizes from 1 to 40, as chunks see them: (word, size).
    fn sized_words(count: usize) -> Vec<(String, usize)> {
        (0..count)
            .map(|i| (format!("w{i:05}"), 1 + (i * 7919) % 40))
            .collect()
    }

    fn cuts(words: &[(String, usize)], chunk_size: usize) -> Vec<usize> {
        let mut cuts = Vec::new();
        let mut so_far = 0;
        for (i, (word, size)) in words.iter().enumerate() {
            so_far += size;
            if ends_chunk(word, *size, so_far, chunk_size) {
                cuts.push(i);
                so_far = 0;
            }
        }
        cuts
    }

    #[test]
    fn groups_of_chunks_hold_their_budget_unless_a_chunk_alone_is_over_it() {
        // A run of small chunks (groups of `CHUNK_GROUP`), then chunks of every kind: small,
        // near the budget, over it.
        let sizes: Vec<usize> = (0..500)
            .map(|i| match i {
                0..40 => 2,
                _ => [3, 40, 97, 120, 250, 1][i * 7919 % 6] * (1 + i % 3),
            })
            .collect();
        let budget = 100;
        let groups = groups(&sizes, budget);
        assert_eq!(groups.iter().sum::<usize>(), sizes.len());
        let mut at = 0;
        for &count in &groups {
            assert!((1..=CHUNK_GROUP).contains(&count));
            let group = &sizes[at..at + count];
            if count > 1 {
                assert!(group.iter().sum::<usize>() <= budget, "{group:?}");
            }
            at += count;
            // A group ends because the next chunk would not fit, or at `CHUNK_GROUP`.
            if let Some(next) = sizes.get(at) {
                assert!(count == CHUNK_GROUP || group.iter().sum::<usize>() + next > budget);
            }
        }
        assert!(groups.contains(&CHUNK_GROUP) && groups.contains(&1));
    }

    #[test]
    fn fragments_are_named_as_1_6_0_named_them() {
        // 1.6.0's naming, with its map by name and its list sorted by page at the end (and
        // the stop on identical pages, without which it ran for ever).
        fn named_by_1_6_0(hashes: &[String], language: &str) -> Vec<String> {
            let mut by_name: HashMap<String, (String, usize)> = HashMap::new();
            let mut pushed: Vec<(usize, String)> = Vec::new();
            for (page, full) in hashes.iter().enumerate() {
                let mut short = &full[0..=(language.len() + 7)];
                while let Some((other, other_page)) = by_name.get(short) {
                    if other == full {
                        pushed.push((*other_page, other.clone()));
                        break;
                    }
                    short = &full[0..=short.len()];
                }
                by_name.insert(short.to_string(), (full.clone(), page));
            }
            pushed.extend(by_name.into_iter().map(|(name, (_, page))| (page, name)));
            pushed.sort_by_key(|(page, _)| *page);
            pushed.into_iter().map(|(_, name)| name).collect()
        }
        // Hashes that share their first characters, some several times, some identical.
        let mut seed = 7u64;
        let mut hashes: Vec<String> = Vec::new();
        for i in 0..5000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let n = seed >> 33;
            let full = match i % 97 {
                96 => hashes[(n as usize) % hashes.len()].clone(),
                _ => format!("fr_{:07x}{:03x}", n % 300, n % 4096),
            };
            hashes.push(full);
        }
        let mut slots = Vec::new();
        let mut names = FragmentNames::default();
        for full in &hashes {
            let slot = PageSlot {
                name: Box::default(),
                full_hash: full.as_str().into(),
                word_count: 1,
                encoded_data: Box::default(),
            };
            names.add(&mut slots, slot, "fr");
        }
        let ours: Vec<String> = slots.iter().map(|s| s.name.to_string()).collect();
        let theirs = named_by_1_6_0(&hashes, "fr");
        // Names made longer, and pages named by their whole hash, both met.
        assert!(theirs.iter().any(|n| n.len() > 11 && !hashes.contains(n)));
        assert!(theirs.iter().enumerate().any(|(i, n)| *n == hashes[i]));
        assert_eq!(ours, theirs);
    }

    #[test]
    fn chunks_average_the_chunk_size() {
        let words = sized_words(100_000);
        let total: usize = words.iter().map(|w| w.1).sum();
        let cuts = cuts(&words, 2000);
        let average = total / cuts.len();
        assert!((1600..=2400).contains(&average), "{average}");
    }

    #[test]
    fn a_changed_word_moves_the_cuts_around_it_only() {
        let words = sized_words(20_000);
        let before = cuts(&words, 2000);
        for changed in [10, 5_000, 12_345] {
            let mut words = words.clone();
            words[changed].1 += 25;
            words.insert(changed, (format!("w{changed:05}a"), 30));
            let after = cuts(&words, 2000);
            // Past the chunk of the change and the next, the same words end chunks (one
            // place further, for the word added).
            let far = before.iter().position(|&c| c > changed + 600).unwrap();
            let same: Vec<usize> = after.iter().filter(|&&c| c > changed + 601).map(|c| c - 1).collect();
            assert_eq!(same, before[far..].to_vec(), "changed at {changed}");
        }
    }

    #[test]
    fn build_index_chunks() {
        let words = indexed(test_words());
        let chunks = chunk_index(words.iter().map(|(w, i)| (w.as_str(), i)).collect(), 8);

        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[0][0].0, "apple");
        assert_eq!(chunks[1][0].0, "apricot");
        assert_eq!(chunks[1][1].0, "banana");
        assert_eq!(chunks[2][0].0, "peach");
    }

    #[test]
    fn build_index_chunks_from_variant_words() {
        let words = indexed(test_variant_words());
        let chunks = chunk_index(words.iter().map(|(w, i)| (w.as_str(), i)).collect(), 8);

        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[0][0].0, "apple");
        assert_eq!(chunks[1][0].0, "apricot");
        assert_eq!(chunks[1][1].0, "banana");
        assert_eq!(chunks[2][0].0, "peach");
    }

    #[test]
    fn build_chunk_meta() {
        let words = indexed(test_words());
        let chunks = chunk_index(words.iter().map(|(w, i)| (w.as_str(), i)).collect(), 8);
        let meta = chunk_meta(&chunks);
        assert_eq!(meta.len(), 3);
        assert_eq!(
            meta[0],
            MetaChunk {
                from: "apple".into(),
                to: "apple".into(), // Not trimmed to "app" since that would make to < from
                hash: "".into(),
            }
        );
        assert_eq!(
            meta[1],
            MetaChunk {
                from: "apr".into(),
                to: "b".into(),
                hash: "".into(),
            }
        );
        assert_eq!(
            meta[2],
            MetaChunk {
                from: "p".into(),
                to: "peach".into(),
                hash: "".into(),
            }
        );
    }

    #[test]
    fn common_prefix() {
        assert_eq!(
            get_prefixes(("apple", "apricot")),
            ("app".into(), "apr".into())
        );
        assert_eq!(
            get_prefixes(("cataraman", "yacht")),
            ("c".into(), "y".into())
        );
        assert_eq!(
            get_prefixes(("cath", "cathartic")),
            ("cath".into(), "catha".into())
        );
        // This should be an invalid state, but just in case:
        assert_eq!(
            get_prefixes(("catha", "cath")),
            ("catha".into(), "cath".into())
        );
    }
}
