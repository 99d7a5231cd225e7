/*
 * msi.h - what a Message Signalled Interrupt means on x86: the address and
 * data a device writes, decoded into the interrupt message the local APICs
 * take (Intel SDM vol. 3A, 11.11 "Message Signalled Interrupts").
 *
 * A PCI function with MSI enabled does not assert a pin: it writes the
 * 16-bit data word the OS programmed to the address the OS programmed
 * (pci.c).  On x86 an address in 0xFEE00000-0xFEEFFFFF is not memory but
 * the local APICs, and the two words carry the fields an I/O APIC
 * redirection entry has (ioapic_entry_to_msi() is the inverse):
 *
 *   address 31:20 0xFEE, 19:12 destination ID, 3 redirection hint,
 *           2 destination mode (1 logical)                    (11.11.1)
 *   data    7:0 vector, 10:8 delivery mode, 14 level (assert),
 *           15 trigger mode (1 level)                          (11.11.2)
 *
 * Pure: no VMM state; apic.c hands the result to the userspace local APIC.
 */
#ifndef TINYVMM_MSI_H
#define TINYVMM_MSI_H

#include <stdbool.h>
#include <stdint.h>

#include "ioapic.h"

#define MSI_ADDR_BASE		0xfee00000u	/* the local APICs' message window */
#define MSI_ADDR_BASE_MASK	0xfff00000u	/* bits 31:20 must be 0xFEE */
#define MSI_ADDR_DEST_SHIFT	12		/* bits 19:12 destination ID */
#define MSI_ADDR_RH		0x00000008u	/* redirection hint */
#define MSI_ADDR_DM_LOGICAL	0x00000004u	/* destination mode: 1 logical */

#define MSI_DATA_VECTOR_MASK	0x00ffu		/* bits 7:0 */
#define MSI_DATA_DM_SHIFT	8		/* bits 10:8, IOAPIC_DM_* values */
#define MSI_DATA_ASSERT		0x4000u		/* bit 14: level (assert) */
#define MSI_DATA_TRIGGER_LEVEL	0x8000u		/* bit 15: trigger mode */

/*
 * The message an MSI write carries, in the form the I/O APIC's messages
 * take (irq->pin is MSI_NO_PIN).  False if the address is not in the APIC
 * window (bits 63:20 other than 0xFEE): then the write is an ordinary
 * memory write, not an interrupt, and *irq is untouched.
 *
 * Like KVM (kvm_set_msi_irq(): irq->level = 1) every message is taken as
 * an assert: the data's bit 14 only matters to level-triggered messages,
 * which no PCI function sends.  With one CPU the redirection hint changes
 * nothing and is not reported.
 */
#define MSI_NO_PIN		0xff
bool msi_decode(uint64_t address, uint32_t data, struct ioapic_irq *irq);

#endif
