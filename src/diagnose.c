/*
 * diagnose.c - turn a dead guest into a message a student can act on.
 *
 * When KVM gives up on a guest it reports little: an exit reason, maybe a
 * suberror.  tinyvmm adds what a student needs: the registers, the CPU mode,
 * the bytes of the instruction at CS:RIP, and for the failures this project
 * knows about, what they mean.
 */
#include <string.h>
#include <sys/stat.h>

#include "diagnose.h"
#include "kvm.h"
#include "vm.h"

#define CR0_PE		(1u << 0)	/* protection enable */
#define CR0_PG		(1u << 31)	/* paging */
#define CR4_PSE		(1u << 4)	/* page size extensions: 4 MiB pages in 32-bit paging */
#define CR4_PAE		(1u << 5)	/* physical address extension */
#define EFER_LMA	(1u << 10)	/* long mode active */
#define PTE_PRESENT	(1ull << 0)
#define PTE_LARGE	(1ull << 7)	/* PS: this entry maps a 2 MiB / 1 GiB / 4 MiB page */
#define PTE_ADDR	0x000ffffffffff000ull

/*
 * The mode the CPU runs in, from what KVM_GET_SREGS gives: CR0.PE, EFER.LMA
 * (set by the CPU, not LME, which software sets) and the L and D bits that
 * the last load of CS put in its descriptor cache (SDM vol. 3A 2.2, 3.4.5).
 */
const char *cpu_mode_name(const struct kvm_sregs *s)
{
	/* LAB 4: begin */
	if (!(s->cr0 & CR0_PE))
		return "real mode";
	if (s->efer & EFER_LMA)
		return s->cs.l ? "64-bit long mode" : "compatibility mode (32-bit code in long mode)";
	return s->cs.db ? "32-bit protected mode" : "16-bit protected mode";
	/* LAB 4: stub */
	//@ return "unknown mode";
	/* LAB 4: end */
}

static bool read_phys(struct vm *vm, uint64_t gpa, void *buf, size_t len)
{
	void *host = vm_gpa_to_host(vm, gpa, len);

	if (!host)
		return false;
	memcpy(buf, host, len);
	return true;
}

/* Intel SDM vol. 3A, 4.3 (32-bit paging), 4.4 (PAE) and 4.5 (4-level paging). */
bool guest_virt_to_phys(struct vm *vm, const struct kvm_sregs *s, uint64_t gva, uint64_t *gpa)
{
	/* LAB 4: begin */
	int levels, shift;
	uint64_t table, entry = 0;

	if (!(s->cr0 & CR0_PG)) {
		*gpa = gva;
		return true;
	}
	if (s->efer & EFER_LMA) {
		levels = 4, shift = 39;
	} else if (s->cr4 & CR4_PAE) {
		levels = 3, shift = 30;
	} else {
		/* 32-bit paging: two levels of 4-byte entries, 10 bits each */
		uint32_t pde, pte;

		if (!read_phys(vm, (s->cr3 & 0xfffff000) + ((gva >> 22) & 0x3ff) * 4, &pde, 4) ||
		    !(pde & PTE_PRESENT))
			return false;
		if ((pde & PTE_LARGE) && (s->cr4 & CR4_PSE)) {	/* PS counts only with CR4.PSE (SDM 4.3) */
			*gpa = (pde & 0xffc00000) | (gva & 0x3fffff);
			return true;
		}
		if (!read_phys(vm, (pde & 0xfffff000) + ((gva >> 12) & 0x3ff) * 4, &pte, 4) ||
		    !(pte & PTE_PRESENT))
			return false;
		*gpa = (pte & 0xfffff000) | (gva & 0xfff);
		return true;
	}
	table = s->cr3 & (levels == 3 ? 0xffffffe0ull : PTE_ADDR);
	for (int level = levels; level > 0; level--, shift -= 9) {
		uint64_t index = (gva >> shift) & (level == 3 && levels == 3 ? 3 : 511);

		if (!read_phys(vm, table + index * 8, &entry, 8) || !(entry & PTE_PRESENT))
			return false;
		if (level == 1 || ((entry & PTE_LARGE) && level <= 3 && level != levels)) {
			uint64_t page_mask = (1ull << shift) - 1;

			*gpa = (entry & PTE_ADDR & ~page_mask) | (gva & page_mask);
			return true;
		}
		table = entry & PTE_ADDR;
	}
	return false;
	/* LAB 4: stub */
	//@ return false;	/* "cannot translate": the report shows no instruction bytes */
	/* LAB 4: end */
}

/* Fetch the registers once; false (and a line saying why) if KVM would not give them. */
static bool fetch_registers(struct vcpu *vcpu, struct kvm_regs *r, struct kvm_sregs *s, FILE *out)
{
	int err;

	if ((err = kvm_get_regs(vcpu->fd, r)) < 0 || (err = kvm_get_sregs(vcpu->fd, s)) < 0) {
		fprintf(out, "  (registers unavailable: %s)\n", strerror(-err));
		return false;
	}
	return true;
}

static void print_registers(const struct kvm_regs *r, const struct kvm_sregs *s, FILE *out)
{
	fprintf(out, "  cpu mode: %s\n", cpu_mode_name(s));
	fprintf(out, "  rip=%016llx rflags=%08llx\n", r->rip, r->rflags);
	fprintf(out, "  rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx\n", r->rax, r->rbx, r->rcx, r->rdx);
	fprintf(out, "  rsi=%016llx rdi=%016llx rsp=%016llx rbp=%016llx\n", r->rsi, r->rdi, r->rsp, r->rbp);
	fprintf(out, "  cs=%04x (base %08llx) ds=%04x ss=%04x (base %08llx)\n",
		s->cs.selector, s->cs.base, s->ds.selector, s->ss.selector, s->ss.base);
	fprintf(out, "  cr0=%08llx cr2=%016llx cr3=%016llx cr4=%08llx efer=%llx\n",
		s->cr0, s->cr2, s->cr3, s->cr4, s->efer);
	fprintf(out, "  idt base=%016llx limit=%04x  gdt base=%016llx limit=%04x\n",
		s->idt.base, s->idt.limit, s->gdt.base, s->gdt.limit);
}

void diagnose_registers(struct vcpu *vcpu, FILE *out)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (fetch_registers(vcpu, &r, &s, out))
		print_registers(&r, &s, out);
}

bool regs_are_reset_state(const struct kvm_regs *r, const struct kvm_sregs *s)
{
	return r->rip == 0xfff0 && s->cs.selector == 0xf000 && s->cs.base == 0xffff0000 &&
	       !(s->cr0 & CR0_PE);
}

static const char *exit_reason_name(uint32_t reason)
{
	switch (reason) {
	case KVM_EXIT_IO: return "KVM_EXIT_IO";
	case KVM_EXIT_MMIO: return "KVM_EXIT_MMIO";
	case KVM_EXIT_HLT: return "KVM_EXIT_HLT";
	case KVM_EXIT_IRQ_WINDOW_OPEN: return "KVM_EXIT_IRQ_WINDOW_OPEN";
	case KVM_EXIT_INTR: return "KVM_EXIT_INTR";
	case KVM_EXIT_X86_RDMSR: return "KVM_EXIT_X86_RDMSR";
	case KVM_EXIT_X86_WRMSR: return "KVM_EXIT_X86_WRMSR";
	case KVM_EXIT_IOAPIC_EOI: return "KVM_EXIT_IOAPIC_EOI";
	case KVM_EXIT_SET_TPR: return "KVM_EXIT_SET_TPR";
	}
	return "another exit";
}

/*
 * A triple fault is a shutdown: the CPU stops with the state of the third
 * fault.  VMX hands that state to KVM intact.  On SVM, KVM's
 * shutdown_interception() cannot trust the VMCB after a shutdown and
 * re-initialises the vCPU (kvm_vcpu_reset) before KVM_RUN returns, so
 * KVM_GET_REGS then reads the reset state.  We say so rather than present
 * F000:FFF0 as the place of the fault, and show the last thing we did see.
 */
void diagnose_shutdown(struct vcpu *vcpu, FILE *out)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (!fetch_registers(vcpu, &r, &s, out))
		return;
	print_registers(&r, &s, out);
	if (!regs_are_reset_state(&r, &s))
		return;
	fprintf(out, "  these are the CPU's reset values, not the state of the fault: on AMD SVM\n"
		     "  hosts KVM resets the vCPU when it intercepts the shutdown, before KVM_RUN\n"
		     "  returns, so the faulting state is lost (Intel VMX hosts keep it).\n");
	if (vcpu->last_exit.reason == KVM_EXIT_IO)
		fprintf(out, "  the last exit tinyvmm saw before it: KVM_EXIT_IO, %s port %#x (exit %llu)\n",
			vcpu->last_exit.write ? "write to" : "read from", (unsigned)vcpu->last_exit.addr,
			(unsigned long long)vcpu->last_exit.number);
	else if (vcpu->last_exit.reason == KVM_EXIT_MMIO)
		fprintf(out, "  the last exit tinyvmm saw before it: KVM_EXIT_MMIO, %s %#llx (exit %llu)\n",
			vcpu->last_exit.write ? "write to" : "read from",
			(unsigned long long)vcpu->last_exit.addr, (unsigned long long)vcpu->last_exit.number);
	else if (vcpu->last_exit.number)
		fprintf(out, "  the last exit tinyvmm saw before it: %s (exit %llu)\n",
			exit_reason_name(vcpu->last_exit.reason), (unsigned long long)vcpu->last_exit.number);
}

static const char *internal_suberror_name(uint32_t sub)
{
	switch (sub) {
	case KVM_INTERNAL_ERROR_EMULATION:
		return "KVM's instruction emulator could not emulate an instruction";
	case KVM_INTERNAL_ERROR_SIMUL_EX:
		return "an exception occurred while another was being delivered";
	case KVM_INTERNAL_ERROR_DELIVERY_EV:
		return "an event could not be delivered to the guest";
	case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON:
		return "the hardware exited for a reason KVM does not handle";
	}
	return "unknown suberror";
}

/* True when this host runs KVM on the PVM backend (no VMX/SVM). */
static bool host_is_pvm(void)
{
	struct stat st;

	return stat("/sys/module/kvm_pvm", &st) == 0;
}

static void explain_instruction(const uint8_t *insn, int n, const struct kvm_sregs *s, FILE *out)
{
	int i = 0;

	/* skip prefixes: operand/address size, segment overrides, rep, lock, REX */
	while (i < n && (insn[i] == 0x66 || insn[i] == 0x67 || insn[i] == 0xf0 || insn[i] == 0xf2 ||
			 insn[i] == 0xf3 || insn[i] == 0x2e || insn[i] == 0x36 || insn[i] == 0x3e ||
			 insn[i] == 0x26 || insn[i] == 0x64 || insn[i] == 0x65 ||
			 (s->cs.l && (insn[i] & 0xf0) == 0x40)))
		i++;
	if (i >= n)
		return;
	if (insn[i] == 0xcf)
		fprintf(out, "  the instruction is IRET.  KVM's emulator implements IRET only for real mode.\n");
	else if (insn[i] == 0xcd || insn[i] == 0xcc || insn[i] == 0xce)
		fprintf(out, "  the instruction is a software interrupt (INT n / INT3 / INTO).  KVM's emulator\n"
			     "  implements it only in real mode.\n");
}

void diagnose_internal_error(struct vcpu *vcpu, FILE *out)
{
	struct kvm_run *run = vcpu->run;
	struct kvm_regs r;
	struct kvm_sregs s;
	uint8_t insn[15];
	uint64_t gpa;
	int n = 0;

	fprintf(out, "tinyvmm: KVM_EXIT_INTERNAL_ERROR, suberror %u: %s\n",
		run->internal.suberror, internal_suberror_name(run->internal.suberror));
	for (uint32_t i = 0; i < run->internal.ndata && i < 16; i++)
		fprintf(out, "  data[%u]=%#llx\n", i, (unsigned long long)run->internal.data[i]);
	if (kvm_get_regs(vcpu->fd, &r) < 0 || kvm_get_sregs(vcpu->fd, &s) < 0) {
		diagnose_registers(vcpu, out);
		return;
	}
	fprintf(out, "  at cs:rip %04x:%llx (linear %#llx) in %s\n", s.cs.selector, r.rip,
		s.cs.base + r.rip, cpu_mode_name(&s));
	/* The instruction may straddle a page, so translate byte by byte. */
	for (; n < (int)sizeof(insn); n++)
		if (!guest_virt_to_phys(vcpu->vm, &s, s.cs.base + r.rip + (uint64_t)n, &gpa) ||
		    !read_phys(vcpu->vm, gpa, &insn[n], 1))
			break;
	if (n) {
		fprintf(out, "  instruction bytes:");
		for (int i = 0; i < n; i++)
			fprintf(out, " %02x", insn[i]);
		fprintf(out, "\n");
	}
	if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION) {
		explain_instruction(insn, n, &s, out);
		if (host_is_pvm() && !(s.cs.l && (s.efer & EFER_LMA)))
			fprintf(out, "  hint: this host's KVM uses the PVM backend, which runs all non-64-bit guest\n"
				     "  code through KVM's instruction emulator; the emulator lacks some protected-mode\n"
				     "  instructions (iret, int n).  Take interrupts in real mode or 64-bit mode here\n"
				     "  (tutorial chapter 4 explains); on Intel VMX or AMD SVM hardware this runs.\n");
	}
	diagnose_registers(vcpu, out);
}
