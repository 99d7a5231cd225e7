/*
 * msi.c - decode an x86 MSI (Intel SDM vol. 3A, 11.11.1 and 11.11.2); see msi.h.
 */
#include "msi.h"

bool msi_decode(uint64_t address, uint32_t data, struct ioapic_irq *irq)
{
	/* 64-bit: an upper dword other than 0 is memory above 4 GiB, not the APICs */
	if ((address & ~(uint64_t)~MSI_ADDR_BASE_MASK) != MSI_ADDR_BASE)
		return false;
	irq->vector = (uint8_t)(data & MSI_DATA_VECTOR_MASK);
	irq->delivery_mode = (uint8_t)((data >> MSI_DATA_DM_SHIFT) & 7);
	irq->level = (data & MSI_DATA_TRIGGER_LEVEL) != 0;
	irq->dest = (uint8_t)(address >> MSI_ADDR_DEST_SHIFT);
	irq->dest_logical = (address & MSI_ADDR_DM_LOGICAL) != 0;
	irq->pin = MSI_NO_PIN;
	return true;
}
