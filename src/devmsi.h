/*
 * devmsi.h - chapter 8: a device's MSI into KVM's local APIC, three ways
 * (--msi signal|route|irqfd).  See devmsi.c.
 */
#ifndef TINYVMM_DEVMSI_H
#define TINYVMM_DEVMSI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct vm;

/* The GSI of the edu's MSI route: the first one above the I/O APIC's 24 pins. */
#define DEVMSI_GSI	24

struct devmsi {
	/* the route (route, irqfd): GSI DEVMSI_GSI = the guest's message while MSI is on */
	bool route_valid;
	uint64_t address;
	uint32_t data;
	uint64_t routes_set;		/* KVM_SET_GSI_ROUTING calls made for it */
	/* irqfd: an eventfd bound to the route, and the device thread that writes it */
	int eventfd;			/* -1: none */
	pthread_t thread;
	bool thread_running;
	pthread_mutex_t lock;		/* the thread's own lock: never vm->lock */
	pthread_cond_t cond;		/* on CLOCK_MONOTONIC */
	uint64_t due_ns;		/* when the thread writes the eventfd; UINT64_MAX: never */
	bool stop;
	uint64_t thread_writes;		/* eventfd writes the device thread made */
};

/* --msi irqfd: make the eventfd, bind it (KVM_IRQFD), start the device thread.  0 or -errno. */
int devmsi_start(struct vm *vm);
/* Stop the device thread and close the eventfd (safe to call twice, or without a start). */
void devmsi_stop(struct vm *vm);

/*
 * The guest enabled, disabled or reprogrammed the device's MSI (a
 * configuration write): under route and irqfd, make GSI DEVMSI_GSI route to
 * the new message (KVM_SET_GSI_ROUTING).  vm->lock held.
 */
void devmsi_message_changed(struct vm *vm, bool enabled, uint64_t address, uint32_t data);

/*
 * Send one message to KVM's local APIC by the --msi method.  'source' names
 * the device and 'vector' is the message's (apic.c decoded it), for --trace.  True if KVM says an APIC took it (signal; the
 * other methods cannot tell, and say true).  vm->lock held.
 */
bool devmsi_send(struct vm *vm, const char *source, uint64_t address, uint32_t data, int vector);

/*
 * irqfd: tell the device thread when to write the eventfd next (the edu's
 * factorial ends at 'due_ns' and asked for an interrupt), or UINT64_MAX for
 * never.  Takes only the thread's own lock.
 */
void devmsi_post(struct vm *vm, uint64_t due_ns);

/* The route as KVM_SET_GSI_ROUTING needs it: false if there is none now. */
bool devmsi_route(const struct vm *vm, uint64_t *address, uint32_t *data);

#endif
