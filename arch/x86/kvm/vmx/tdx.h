/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __KVM_X86_VMX_TDX_H
#define __KVM_X86_VMX_TDX_H

#ifdef CONFIG_INTEL_TDX_HOST
void tdx_hardware_setup(int (*vmxon)(void), void (*vmxoff)(void));
void tdx_hardware_enable(void);
void tdx_hardware_unsetup(void);
#else
static inline void tdx_hardware_setup(int (*vmxon)(void), void (*vmxoff)(void)) {}
static inline void tdx_hardware_enable(void) {}
static inline void tdx_hardware_unsetup(void) {}
#endif

#endif /* __KVM_X86_VMX_TDX_H */
