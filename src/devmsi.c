/*
 * devmsi.c - chapter 8: a device's MSI into KVM's local APIC, three ways.
 *
 * An MSI is a memory write: 'data' to 'address' (0xFEExxxxx, Intel SDM vol.
 * 3A 11.11).  Under --irqchip none that write lands in our own LAPIC model
 * (apic.c apic_deliver_msi).  With KVM's LAPIC (split, kernel) tinyvmm must
 * hand KVM the message, and KVM offers three ways (Documentation/virt/kvm/
 * api.rst; the names inside KVM are Linux 6.1's):
 *
 *   --msi signal   KVM_SIGNAL_MSI {address, data}, one ioctl per interrupt
 *                    kvm_send_userspace_msi() -> kvm_set_msi()
 *   --msi route    KVM_SET_GSI_ROUTING: GSI 24 = MSI {address, data}, at each
 *                  change of the guest's message; KVM_IRQ_LINE gsi 24 level 1
 *                  per interrupt
 *                    kvm_vm_ioctl_irq_line() -> kvm_set_irq() -> kvm_set_msi()
 *   --msi irqfd    the same route, and KVM_IRQFD {eventfd, gsi 24} once; per
 *                  interrupt a write of 1 to the eventfd, from any thread
 *                    irqfd_wakeup() -> kvm_arch_set_irq_inatomic() -> ...
 *
 * kvm_set_msi() then calls kvm_irq_delivery_to_apic(), as an I/O APIC
 * message does.  Level 0 on an MSI route does nothing (kvm_set_msi()
 * returns at once): a message is an event, not a level.
 *
 * The lesson of irqfd: the eventfd is a doorbell into KVM that needs no
 * ioctl, no vCPU thread and no VMM lock.  So here the edu's finished
 * factorial is signalled by a *device thread* (devmsi_main) that knows only
 * when the factorial ends (devmsi_post) and owns nothing but its own lock;
 * it never takes vm->lock and never enters the vCPU thread.  (A raise the
 * guest writes to the edu's register 0x60 happens in an MMIO exit anyway:
 * there the vCPU thread writes the eventfd itself.)  This is how vhost and
 * VFIO devices interrupt a guest: their kernel or hardware side writes an
 * eventfd that KVM_IRQFD bound to a route.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "apic.h"
#include "devmsi.h"
#include "inkernel.h"
#include "kvm.h"
#include "vm.h"

bool devmsi_route(const struct vm *vm, uint64_t *address, uint32_t *data)
{
	const struct devmsi *d = &vm->devmsi;

	if (vm->cfg.msi == MSI_SIGNAL || !d->route_valid)
		return false;
	*address = d->address;
	*data = d->data;
	return true;
}

/* Give KVM the whole table again (KVM_SET_GSI_ROUTING replaces it): the controllers' routes and ours. */
static void sync_routes(struct vm *vm)
{
	vm->devmsi.routes_set++;
	if (vm->cfg.irqchip == IRQCHIP_SPLIT)
		apic_sync_routes(vm);		/* pins 0-23 as MSI routes, + GSI 24 */
	else
		inkernel_sync_routes(vm);	/* the PC's irqchip routes, + GSI 24 */
}

void devmsi_message_changed(struct vm *vm, bool enabled, uint64_t address, uint32_t data)
{
	struct devmsi *d = &vm->devmsi;

	if (vm->cfg.irqchip == IRQCHIP_NONE || vm->cfg.msi == MSI_SIGNAL)
		return;		/* nothing kept in KVM: each message goes as it is sent */
	if (enabled == d->route_valid && (!enabled || (address == d->address && data == d->data)))
		return;
	d->route_valid = enabled;
	d->address = address;
	d->data = data;
	sync_routes(vm);
	if (enabled)
		TRACE(&vm->trace, "kvm: gsi %d routes to msi addr=%08llx data=%08x (KVM_SET_GSI_ROUTING)",
		      DEVMSI_GSI, (unsigned long long)address, data);
	else
		TRACE(&vm->trace, "kvm: gsi %d has no route now (KVM_SET_GSI_ROUTING)", DEVMSI_GSI);
}

bool devmsi_send(struct vm *vm, const char *source, uint64_t address, uint32_t data, int vector)
{
	struct devmsi *d = &vm->devmsi;
	int r;

	if (vm->cfg.msi == MSI_SIGNAL) {
		/* api.rst: > 0 delivered, 0 the guest blocked it (no APIC took it) */
		r = kvm_signal_msi(vm->vm_fd, address, data);
		TRACE(&vm->trace, "%s: msi addr=%08llx data=%08x (vector %#04x) -> KVM_SIGNAL_MSI%s",
		      source, (unsigned long long)address, data, vector, r == 0 ? ": blocked" : "");
		if (r < 0)
			fprintf(vm->diag, "tinyvmm: %s: KVM_SIGNAL_MSI: %s\n", source, strerror(-r));
		return r > 0;
	}
	/* route, irqfd: the route is the message (devmsi_message_changed keeps it so) */
	devmsi_message_changed(vm, true, address, data);
	if (vm->cfg.msi == MSI_ROUTE) {
		r = kvm_irq_line(vm->vm_fd, DEVMSI_GSI, 1);
		TRACE(&vm->trace, "%s: msi addr=%08llx data=%08x (vector %#04x) -> KVM_IRQ_LINE gsi %d "
		      "(its route is this message)", source, (unsigned long long)address, data, vector,
		      DEVMSI_GSI);
		if (r < 0)
			fprintf(vm->diag, "tinyvmm: %s: KVM_IRQ_LINE gsi %d: %s\n", source, DEVMSI_GSI, strerror(-r));
		return r >= 0;
	}
	TRACE(&vm->trace, "%s: msi addr=%08llx data=%08x (vector %#04x) -> eventfd write (KVM_IRQFD gsi %d)",
	      source, (unsigned long long)address, data, vector, DEVMSI_GSI);
	/* LAB 8: begin */
	const uint64_t one = 1;

	if (write(d->eventfd, &one, sizeof(one)) != (ssize_t)sizeof(one)) {
		fprintf(vm->diag, "tinyvmm: %s: eventfd write: %s\n", source, strerror(errno));
		return false;
	}
	return true;
	/* LAB 8: stub */
	//@ (void)d;
	//@ return true;	/* "sent": but nothing rang the doorbell */
	/* LAB 8: end */
}

/*
 * The device thread (--msi irqfd): sleep until the posted time, write the
 * eventfd, repeat.  It holds only d->lock, and not across the write.
 */
static void *devmsi_main(void *opaque)
{
	struct vm *vm = opaque;
	struct devmsi *d = &vm->devmsi;

	pthread_mutex_lock(&d->lock);
	while (!d->stop) {
		uint64_t now = clock_now_ns(vm->clock);

		if (d->due_ns == UINT64_MAX) {
			pthread_cond_wait(&d->cond, &d->lock);
		} else if (now < d->due_ns) {
			struct timespec ts = { .tv_sec = (time_t)(d->due_ns / 1000000000u),
					       .tv_nsec = (long)(d->due_ns % 1000000000u) };

			pthread_cond_timedwait(&d->cond, &d->lock, &ts);
		} else {
			/* LAB 8: begin */
			const uint64_t one = 1;

			d->due_ns = UINT64_MAX;
			d->thread_writes++;
			pthread_mutex_unlock(&d->lock);
			TRACE(&vm->trace, "edu thread: factorial done -> eventfd write (KVM_IRQFD gsi %d); "
			      "no ioctl, no vm lock, no vCPU exit", DEVMSI_GSI);
			if (write(d->eventfd, &one, sizeof(one)) != (ssize_t)sizeof(one))
				fprintf(vm->diag, "tinyvmm: edu thread: eventfd write: %s\n", strerror(errno));
			pthread_mutex_lock(&d->lock);
			/* LAB 8: stub */
			//@ d->due_ns = UINT64_MAX;	/* done, and forgotten: the factorial's MSI is lost */
			/* LAB 8: end */
		}
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

void devmsi_post(struct vm *vm, uint64_t due_ns)
{
	struct devmsi *d = &vm->devmsi;

	if (!d->thread_running)
		return;
	pthread_mutex_lock(&d->lock);
	if (d->due_ns != due_ns) {
		d->due_ns = due_ns;
		pthread_cond_signal(&d->cond);
	}
	pthread_mutex_unlock(&d->lock);
}

int devmsi_start(struct vm *vm)
{
	struct devmsi *d = &vm->devmsi;
	pthread_condattr_t attr;
	int r;

	d->eventfd = -1;
	d->due_ns = UINT64_MAX;
	if (vm->cfg.irqchip == IRQCHIP_NONE || vm->cfg.msi != MSI_IRQFD)
		return 0;
	/* LAB 8: begin */
	d->eventfd = eventfd(0, EFD_CLOEXEC);
	if (d->eventfd < 0)
		return -errno;
	/* GSI 24 has no route until the guest enables MSI: KVM drops what comes before */
	r = kvm_irqfd(vm->vm_fd, d->eventfd, DEVMSI_GSI);
	if (r < 0)
		return r;
	/* LAB 8: stub */
	//@ /* no eventfd (d->eventfd stays -1), nothing bound to GSI 24 */
	/* LAB 8: end */
	pthread_mutex_init(&d->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);	/* vm->clock is CLOCK_MONOTONIC */
	pthread_cond_init(&d->cond, &attr);
	pthread_condattr_destroy(&attr);
	r = pthread_create(&d->thread, NULL, devmsi_main, vm);
	if (r)
		return -r;
	d->thread_running = true;
	return 0;
}

void devmsi_stop(struct vm *vm)
{
	struct devmsi *d = &vm->devmsi;

	if (d->thread_running) {
		pthread_mutex_lock(&d->lock);
		d->stop = true;
		pthread_cond_signal(&d->cond);
		pthread_mutex_unlock(&d->lock);
		pthread_join(d->thread, NULL);
		pthread_cond_destroy(&d->cond);
		pthread_mutex_destroy(&d->lock);
		d->thread_running = false;
	}
	if (d->eventfd >= 0)
		close(d->eventfd);	/* and KVM frees the irqfd at the latest with the VM */
	d->eventfd = -1;
}
