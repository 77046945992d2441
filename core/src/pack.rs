//! Bit packing shared by the explorer's state encoding
//! ([`crate::checker`]) and the notifier users that encode their own
//! secondary state ([`crate::users`]). Ground floor: it knows nothing of
//! the machine, so a user module can write its words without depending on
//! the explorer.

/// What a user needs to write its words: small codes for pfns and
/// addresses, and range checks that report a value that does not fit
/// instead of truncating it.
pub(crate) trait Packer {
    /// The code of a pfn of this run (0 for pfn 0).
    fn pfn_code(&mut self, pfn: u64) -> u64;
    /// The code of a virtual address of this run.
    fn addr_code(&mut self, addr: u64) -> u64;
    /// `v` when it fits `bits` bits; else records the overflow.
    fn narrow(&mut self, v: u64, bits: u32, what: &str) -> u64;
    /// Two's complement of `v` in `bits` bits when it fits; else records
    /// the overflow.
    fn narrow_signed(&mut self, v: i64, bits: u32, what: &str) -> u64;
}

/// The inverse of [`Packer`]'s codes.
pub(crate) trait Unpacker {
    /// The pfn of a code.
    fn pfn_of(&self, code: u64) -> u64;
    /// The address of a code (only the low 8 bits are read).
    fn addr_of(&self, code: u64) -> u64;
}

/// Reads words in order.
pub(crate) struct Reader<'a> {
    w: &'a [u64],
    /// Words read so far.
    pub(crate) i: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `w`.
    pub(crate) fn new(w: &'a [u64]) -> Reader<'a> {
        Reader { w, i: 0 }
    }

    /// The next word.
    #[inline]
    pub(crate) fn next(&mut self) -> u64 {
        let v = self.w[self.i];
        self.i += 1;
        v
    }
}

/// `None` as 0, `Some(x)` as `x + 1` (a thread index or lock holder).
#[inline]
pub(crate) fn opt_u8(v: Option<u8>) -> u64 {
    v.map_or(0, |x| u64::from(x) + 1)
}

/// The inverse of [`opt_u8`] (reads the low 9 bits).
#[inline]
pub(crate) fn un_opt_u8(v: u64) -> Option<u8> {
    let x = v & 0x1ff;
    if x == 0 { None } else { Some((x - 1) as u8) }
}

/// Bit `i` of `w`.
#[inline]
pub(crate) fn bit(w: u64, i: u32) -> bool {
    w >> i & 1 == 1
}

/// `bits` bits of `w` from bit `at`.
#[inline]
pub(crate) fn field(w: u64, at: u32, bits: u32) -> u64 {
    w >> at & ((1u64 << bits) - 1)
}

/// The signed (two's complement) field of `bits` bits at `at`.
#[inline]
pub(crate) fn sfield(w: u64, at: u32, bits: u32) -> i64 {
    let v = field(w, at, bits) as i64;
    let sign = 1i64 << (bits - 1);
    (v ^ sign) - sign
}
