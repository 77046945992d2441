/* A Promela sketch in the shape of the explorer's `cow` benchmark: COW
   faults, a vCPU reader and GRU readers, with the PT lock, page
   refcounts and contents, KVM's mmu_lock / mmu_notifier_seq / count and
   spte, GRU's TLB entry and ms_range_active; about 3.3 transitions per
   state, like the explorer's 3.5. It is NOT a translation of the model
   (far coarser, and its state count differs): it only measures how many
   states per second SPIN's compiled verifier stores on this machine, at
   the same time as the explorer runs, which is the reference figure the
   explorer's benchmark is compared with (scripts/spin-calibration.sh). */
byte ptl = 255;            /* holder */
byte pte_pfn = 1; bool pte_w = false;
byte refc[5]; byte mapc[5]; int content[5];
byte kvm_lock = 255; int kvm_seq = 0; int kvm_count = 0;
byte spte_pfn = 1; bool spte_valid = true;
byte gru_tlb_pfn = 1; bool gru_tlb_valid = true; int gru_active = 0;
bool stale = false;

inline lock_ptl(me) { atomic { ptl == 255 -> ptl = me } }
inline unlock_ptl() { ptl = 255 }
inline range_start() {
  kvm_count++; atomic { kvm_lock == 255 -> kvm_lock = 9 }; spte_valid = false; kvm_lock = 255;
  gru_active++; gru_tlb_valid = false
}
inline range_end() {
  kvm_lock == 255; kvm_seq++; kvm_count--;
  gru_active--
}

proctype cow_fault(byte me; byte newp) {
  byte old;
  atomic { pte_pfn != 255 -> old = pte_pfn };
  refc[newp]++;
  content[newp] = content[old];
  range_start();
  lock_ptl(me);
  if
  :: pte_pfn == old && !pte_w ->
       pte_pfn = 255;            /* ptep_clear_flush */
       pte_pfn = newp; pte_w = true;
       mapc[newp]++; mapc[old]--;
       refc[old]--
  :: else -> refc[newp]--
  fi;
  unlock_ptl();
  range_end();
  if :: pte_pfn != 255 -> content[pte_pfn] = 4097 :: else -> skip fi
}

proctype vcpu_read() {
  int seq; byte pfn; byte n = 0;
  do
  :: n == 3 -> break
  :: n < 3 && spte_valid -> if :: pte_pfn != 255 && content[spte_pfn] != content[pte_pfn] -> stale = true :: else -> skip fi; n++
  :: n < 3 && !spte_valid ->
       seq = kvm_seq;
       lock_ptl(7); pfn = pte_pfn; refc[1]++; unlock_ptl();
       atomic { kvm_lock == 255 -> kvm_lock = 7 };
       if
       :: kvm_count == 0 && kvm_seq == seq -> spte_pfn = pfn; spte_valid = true
       :: else -> skip
       fi;
       kvm_lock = 255;
       refc[1]--
  od
}

proctype gru_read() {
  byte pfn; byte n = 0;
  do
  :: n == 3 -> break
  :: n < 3 && gru_tlb_valid -> if :: pte_pfn != 255 && content[gru_tlb_pfn] != content[pte_pfn] -> stale = true :: else -> skip fi; n++
  :: n < 3 && !gru_tlb_valid ->
       gru_active == 0;              /* sleeps on ms_wait_queue */
       if
       :: gru_active > 0 -> skip     /* failactive */
       :: else ->
            pfn = pte_pfn;
            if :: pfn != 255 -> gru_tlb_pfn = pfn; gru_tlb_valid = true :: else -> skip fi
       fi
  od
}

init {
  refc[1] = 2; mapc[1] = 1; content[1] = 23130;
  atomic {
    run cow_fault(0, 0);
    run cow_fault(1, 2);
    run cow_fault(2, 3);
    run vcpu_read();
    run gru_read();
    run gru_read();
  }
}
