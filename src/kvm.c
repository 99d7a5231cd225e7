/*
 * kvm.c - every ioctl() tinyvmm makes on /dev/kvm, a VM or a vCPU.
 *
 * KVM's whole userspace interface is three kinds of file descriptor:
 *   /dev/kvm   system-wide questions (API version, capabilities) and KVM_CREATE_VM;
 *   a VM fd    guest memory (memory slots), interrupt controllers, KVM_CREATE_VCPU;
 *   a vCPU fd  registers and KVM_RUN, plus a shared page (struct kvm_run) that
 *              tells userspace why the guest stopped.
 * Reference: Documentation/virt/kvm/api.rst in the Linux source tree.
 *
 * Keeping every ioctl here makes the KVM surface of tinyvmm easy to audit:
 * grep this file and you have the complete list of what tinyvmm asks of KVM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm.h"

/* ioctl() returns -1 and sets errno; we return -errno so callers can switch on it. */
static int checked(int ret)
{
	return ret < 0 ? -errno : ret;
}

int kvm_open(const char *path)
{
	return checked(open(path, O_RDWR | O_CLOEXEC));
}

int kvm_get_api_version(int sys_fd)
{
	return checked(ioctl(sys_fd, KVM_GET_API_VERSION, 0));
}

int kvm_check_extension(int fd, long cap)
{
	return checked(ioctl(fd, KVM_CHECK_EXTENSION, cap));
}

int kvm_get_vcpu_mmap_size(int sys_fd)
{
	return checked(ioctl(sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0));
}

int kvm_create_vm(int sys_fd)
{
	/* type 0: the default VM type for this architecture */
	return checked(ioctl(sys_fd, KVM_CREATE_VM, 0));
}

int kvm_set_user_memory_region(int vm_fd, uint32_t slot, uint32_t flags,
			       uint64_t guest_phys, uint64_t size, void *host)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = guest_phys,
		.memory_size = size,
		.userspace_addr = (uintptr_t)host,
	};

	return checked(ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &region));
}

int kvm_set_tss_addr(int vm_fd, uint64_t addr)
{
	return checked(ioctl(vm_fd, KVM_SET_TSS_ADDR, (unsigned long)addr));
}

int kvm_set_identity_map_addr(int vm_fd, uint64_t addr)
{
	__u64 a = addr;

	return checked(ioctl(vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &a));
}

/*
 * KVM_GET_SUPPORTED_CPUID fails with E2BIG until the array is large enough,
 * so grow it until it fits.
 */
struct kvm_cpuid2 *kvm_get_supported_cpuid(int sys_fd, int *err)
{
	for (int nent = 64; nent <= 4096; nent *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + (size_t)nent * sizeof(c->entries[0]));

		if (!c) {
			*err = -ENOMEM;
			return NULL;
		}
		c->nent = (uint32_t)nent;
		if (ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			return c;
		*err = -errno;
		free(c);
		if (*err != -E2BIG)
			return NULL;
	}
	return NULL;
}

int kvm_set_cpuid2(int vcpu_fd, struct kvm_cpuid2 *cpuid)
{
	return checked(ioctl(vcpu_fd, KVM_SET_CPUID2, cpuid));
}

int kvm_create_vcpu(int vm_fd, int id)
{
	return checked(ioctl(vm_fd, KVM_CREATE_VCPU, (unsigned long)id));
}

int kvm_get_mp_state(int vcpu_fd, uint32_t *state)
{
	struct kvm_mp_state mp = { 0 };
	int r = checked(ioctl(vcpu_fd, KVM_GET_MP_STATE, &mp));

	*state = mp.mp_state;
	return r;
}

int kvm_set_mp_state(int vcpu_fd, uint32_t state)
{
	struct kvm_mp_state mp = { .mp_state = state };

	return checked(ioctl(vcpu_fd, KVM_SET_MP_STATE, &mp));
}

int kvm_enable_cap(int fd, uint32_t cap, uint64_t arg0)
{
	struct kvm_enable_cap c = { .cap = cap, .args = { arg0 } };

	return checked(ioctl(fd, KVM_ENABLE_CAP, &c));
}

/*
 * One filter range per MSR, each a one-bit bitmap with the bit clear:
 * "deny".  With KVM_CAP_X86_USER_SPACE_MSR enabled for KVM_MSR_EXIT_REASON_FILTER,
 * a denied RDMSR/WRMSR becomes KVM_EXIT_X86_RDMSR/WRMSR instead of a #GP.
 */
int kvm_deny_msrs(int vm_fd, const uint32_t *msrs, int n)
{
	static uint8_t deny_bit;	/* 0: deny; KVM copies the bitmap */
	struct kvm_msr_filter f = { .flags = KVM_MSR_FILTER_DEFAULT_ALLOW };

	if (n > KVM_MSR_FILTER_MAX_RANGES)
		return -EINVAL;
	for (int i = 0; i < n; i++)
		f.ranges[i] = (struct kvm_msr_filter_range){
			.flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE,
			.nmsrs = 1, .base = msrs[i], .bitmap = &deny_bit,
		};
	return checked(ioctl(vm_fd, KVM_X86_SET_MSR_FILTER, &f));
}

int kvm_signal_msi(int vm_fd, uint64_t address, uint32_t data)
{
	/* LAB 6: begin */
	struct kvm_msi msi = {
		.address_lo = (uint32_t)address,
		.address_hi = (uint32_t)(address >> 32),
		.data = data,
	};

	return checked(ioctl(vm_fd, KVM_SIGNAL_MSI, &msi));
	/* LAB 6: stub */
	//@ return -ENOSYS;
	/* LAB 6: end */
}

int kvm_irq_line(int vm_fd, uint32_t gsi, int level)
{
	/* LAB 7: begin */
	struct kvm_irq_level irq = { .irq = gsi, .level = (uint32_t)level };

	return checked(ioctl(vm_fd, KVM_IRQ_LINE, &irq));
	/* LAB 7: stub */
	//@ return -ENOSYS;
	/* LAB 7: end */
}

int kvm_set_msi_routes(int vm_fd, int n, const uint64_t *address, const uint32_t *data)
{
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e[32];
	} r;

	if (n > 32)
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	r.hdr.nr = (uint32_t)n;
	/* LAB 6: begin */
	for (int i = 0; i < n; i++) {
		r.e[i].gsi = (uint32_t)i;
		r.e[i].type = KVM_IRQ_ROUTING_MSI;
		r.e[i].u.msi.address_lo = (uint32_t)address[i];
		r.e[i].u.msi.address_hi = (uint32_t)(address[i] >> 32);
		r.e[i].u.msi.data = data[i];
	}
	/* LAB 6: stub */
	//@ /* every route stays zero: GSI 0, type 0 */
	/* LAB 6: end */
	return checked(ioctl(vm_fd, KVM_SET_GSI_ROUTING, &r));
}

/* Chapter 8: bind an eventfd to a GSI; a write to it raises the GSI (no ioctl per interrupt). */
int kvm_irqfd(int vm_fd, int fd, uint32_t gsi)
{
	/* LAB 8: begin */
	struct kvm_irqfd irqfd = { .fd = (uint32_t)fd, .gsi = gsi };

	return checked(ioctl(vm_fd, KVM_IRQFD, &irqfd));
	/* LAB 8: stub */
	//@ return -ENOSYS;
	/* LAB 8: end */
}

/*
 * Chapter 9: an irqfd with a resampler (api.rst, KVM_IRQFD_FLAG_RESAMPLE).
 * A write to 'fd' asserts the GSI and leaves it asserted; when the guest
 * acknowledges it (the 8259A's EOI, the I/O APIC's EOI: KVM's irq ack
 * notifiers) KVM de-asserts it and writes 'resamplefd'.  VFIO delivers a
 * device's level-triggered INTx this way; tinyvmm uses it to see the guest
 * take a tick of its own 8254 under --irqchip kernel (ticks.c).
 */
int kvm_irqfd_resample(int vm_fd, int fd, uint32_t gsi, int resamplefd)
{
	struct kvm_irqfd irqfd = {
		.fd = (uint32_t)fd, .gsi = gsi, .flags = KVM_IRQFD_FLAG_RESAMPLE, .resamplefd = (uint32_t)resamplefd,
	};

	return checked(ioctl(vm_fd, KVM_IRQFD, &irqfd));
}

/* Unbind an irqfd (KVM_IRQFD_FLAG_DEASSIGN); with a resampler, KVM lowers the GSI it held. */
int kvm_irqfd_deassign(int vm_fd, int fd, uint32_t gsi)
{
	struct kvm_irqfd irqfd = { .fd = (uint32_t)fd, .gsi = gsi, .flags = KVM_IRQFD_FLAG_DEASSIGN };

	return checked(ioctl(vm_fd, KVM_IRQFD, &irqfd));
}

/*
 * Chapter 7: the in-kernel irqchip.  KVM_CREATE_IRQCHIP makes KVM emulate a
 * PIC pair, an I/O APIC and (for every vCPU created after it) a local APIC;
 * KVM_CREATE_PIT2 adds an 8254 whose IRQ 0 KVM raises itself.
 */
int kvm_create_irqchip(int vm_fd)
{
	return checked(ioctl(vm_fd, KVM_CREATE_IRQCHIP, 0));
}

/*
 * KVM_REINJECT_CONTROL: what KVM's 8254 does with a tick the guest has not
 * taken.  pit_reinject = 1 (KVM's default): it waits and is raised when the
 * guest acknowledges the last (kvm_pit_ack_irq); 0: it is raised anyway and
 * merges with the one still pending.
 */
int kvm_reinject_control(int vm_fd, bool reinject)
{
	struct kvm_reinject_control control = { .pit_reinject = reinject };

	return checked(ioctl(vm_fd, KVM_REINJECT_CONTROL, &control));
}

int kvm_create_pit2(int vm_fd, uint32_t flags)
{
	struct kvm_pit_config config = { .flags = flags };

	return checked(ioctl(vm_fd, KVM_CREATE_PIT2, &config));
}

int kvm_set_irqchip_routes(int vm_fd, int n, const struct kvm_irq_routing_entry *entries)
{
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e[64];
	} r;

	if (n < 0 || n > 64)
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	r.hdr.nr = (uint32_t)n;
	memcpy(r.e, entries, (size_t)n * sizeof(*entries));
	return checked(ioctl(vm_fd, KVM_SET_GSI_ROUTING, &r));
}

int kvm_get_irqchip(int vm_fd, uint32_t chip_id, struct kvm_irqchip *chip)
{
	memset(chip, 0, sizeof(*chip));
	chip->chip_id = chip_id;
	return checked(ioctl(vm_fd, KVM_GET_IRQCHIP, chip));
}

int kvm_get_lapic(int vcpu_fd, struct kvm_lapic_state *state)
{
	return checked(ioctl(vcpu_fd, KVM_GET_LAPIC, state));
}

int kvm_get_msr(int vcpu_fd, uint32_t index, uint64_t *value)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry entry;
	} m = { .hdr = { .nmsrs = 1 }, .entry = { .index = index } };
	int r = checked(ioctl(vcpu_fd, KVM_GET_MSRS, &m));

	if (r == 1) {
		*value = m.entry.data;
		return 0;
	}
	return r < 0 ? r : -EIO;
}

int kvm_set_msr(int vcpu_fd, uint32_t index, uint64_t value)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry entry;
	} m = { .hdr = { .nmsrs = 1 }, .entry = { .index = index, .data = value } };
	int r = checked(ioctl(vcpu_fd, KVM_SET_MSRS, &m));

	return r == 1 ? 0 : r < 0 ? r : -EIO;
}

int kvm_get_tsc_khz(int vcpu_fd)
{
	return checked(ioctl(vcpu_fd, KVM_GET_TSC_KHZ, 0));
}

int kvm_run(int vcpu_fd)
{
	return checked(ioctl(vcpu_fd, KVM_RUN, 0));
}

int kvm_get_regs(int vcpu_fd, struct kvm_regs *regs)
{
	return checked(ioctl(vcpu_fd, KVM_GET_REGS, regs));
}

int kvm_set_regs(int vcpu_fd, const struct kvm_regs *regs)
{
	return checked(ioctl(vcpu_fd, KVM_SET_REGS, regs));
}

int kvm_set_sregs(int vcpu_fd, const struct kvm_sregs *sregs)
{
	return checked(ioctl(vcpu_fd, KVM_SET_SREGS, sregs));
}

int kvm_nmi(int vcpu_fd)
{
	return checked(ioctl(vcpu_fd, KVM_NMI));
}

int kvm_get_sregs(int vcpu_fd, struct kvm_sregs *sregs)
{
	return checked(ioctl(vcpu_fd, KVM_GET_SREGS, sregs));
}

int kvm_interrupt(int vcpu_fd, uint32_t vector)
{
	struct kvm_interrupt irq = { .irq = vector };

	return checked(ioctl(vcpu_fd, KVM_INTERRUPT, &irq));
}

const struct kvm_required_cap kvm_required_caps[] = {
	{ KVM_CAP_USER_MEMORY,    "KVM_CAP_USER_MEMORY",    "guest RAM and ROM are host memory given to KVM" },
	{ KVM_CAP_SET_TSS_ADDR,   "KVM_CAP_SET_TSS_ADDR",   "Intel VMX needs a TSS to run real-mode code" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT", "kicking the vCPU out of KVM_RUN without a race" },
	{ KVM_CAP_GET_TSC_KHZ,    "KVM_CAP_GET_TSC_KHZ",    "converting TSC-deadline values to time" },
	{ 0, NULL, NULL },
};

const char *kvm_exit_reason_name(uint32_t reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "KVM_EXIT_UNKNOWN",
		[KVM_EXIT_EXCEPTION] = "KVM_EXIT_EXCEPTION",
		[KVM_EXIT_IO] = "KVM_EXIT_IO",
		[KVM_EXIT_HYPERCALL] = "KVM_EXIT_HYPERCALL",
		[KVM_EXIT_DEBUG] = "KVM_EXIT_DEBUG",
		[KVM_EXIT_HLT] = "KVM_EXIT_HLT",
		[KVM_EXIT_MMIO] = "KVM_EXIT_MMIO",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "KVM_EXIT_IRQ_WINDOW_OPEN",
		[KVM_EXIT_SHUTDOWN] = "KVM_EXIT_SHUTDOWN",
		[KVM_EXIT_FAIL_ENTRY] = "KVM_EXIT_FAIL_ENTRY",
		[KVM_EXIT_INTR] = "KVM_EXIT_INTR",
		[KVM_EXIT_SET_TPR] = "KVM_EXIT_SET_TPR",
		[KVM_EXIT_TPR_ACCESS] = "KVM_EXIT_TPR_ACCESS",
		[KVM_EXIT_NMI] = "KVM_EXIT_NMI",
		[KVM_EXIT_INTERNAL_ERROR] = "KVM_EXIT_INTERNAL_ERROR",
		[KVM_EXIT_SYSTEM_EVENT] = "KVM_EXIT_SYSTEM_EVENT",
		[KVM_EXIT_IOAPIC_EOI] = "KVM_EXIT_IOAPIC_EOI",
		[KVM_EXIT_X86_RDMSR] = "KVM_EXIT_X86_RDMSR",
		[KVM_EXIT_X86_WRMSR] = "KVM_EXIT_X86_WRMSR",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "unknown";
}
