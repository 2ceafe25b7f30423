/* SPDX-License-Identifier: GPL-2.0 */
#include <linux/linkage.h>
#include <asm/frame.h>

#include <asm/tdx_td.h>

#include "tdxcall.S"

/*
 * __seamcall() - Issue a SEAMCALL to the TDX module
 *
 * Transforms the function call register arguments into the SEAMCALL
 * register ABI. The caller must be in VMX operation on this CPU for the
 * SEAMCALL to reach the TDX module; if it is not, the #UD is caught by
 * the exception table, as is a #GP.
 *
 *-------------------------------------------------------------------------
 * SEAMCALL ABI:
 *-------------------------------------------------------------------------
 * Input Registers:
 *
 * RAX                 - SEAMCALL leaf number and version
 * RCX,RDX,R8,R9       - leaf specific inputs
 *
 * Output Registers:
 *
 * RAX                 - status
 * RCX,RDX,R8-R11      - leaf specific outputs
 *
 *-------------------------------------------------------------------------
 *
 * __seamcall() function ABI:
 *
 * @fn  (RDI)          - leaf number and version, moved to RAX
 * @rcx (RSI)          - input 1, moved to RCX
 * @rdx (RDX)          - input 2, stays in RDX
 * @r8  (RCX)          - input 3, moved to R8
 * @r9  (R8)           - input 4, moved to R9
 *
 * @out (R9)           - struct tdx_module_output pointer, may be NULL
 *
 * Return (RAX): the TDX module's status, or TDX_SEAMCALL_VMFAILINVALID,
 * TDX_SEAMCALL_UD or TDX_SEAMCALL_GP when the SEAMCALL did not reach it.
 */
SYM_FUNC_START(__seamcall)
	FRAME_BEGIN
	TDX_MODULE_CALL host=1
	FRAME_END
	RET
SYM_FUNC_END(__seamcall)

/*
 * __seamcall_saved_ret() - Issue a SEAMCALL that may use every register
 *
 * @fn   (RDI)          - leaf number and version, moved to RAX
 * @regs (RSI)          - struct tdx_vp_regs: RCX, RDX, RBX, RSI, RDI and
 *                        R8-R15 in, and what the module left in them out
 *
 * TDH.VP.ENTER returns with the TD's exit in any general purpose register
 * but RSP (and RBP, which a module with NO_RBP_MOD leaves alone). The
 * callee-saved registers are saved around the instruction and restored,
 * and the caller-saved ones are cleared on the way back, so that no value
 * of the TD's stays in a register the compiler does not know about.
 *
 * Return (RAX): the TDX module's status, or TDX_SEAMCALL_VMFAILINVALID,
 * TDX_SEAMCALL_UD or TDX_SEAMCALL_GP when the SEAMCALL did not reach it.
 */
SYM_FUNC_START(__seamcall_saved_ret)
	FRAME_BEGIN
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	/* The struct, for the way back. */
	push %rsi

	mov %rdi, %rax
	mov TDX_VP_RCX(%rsi), %rcx
	mov TDX_VP_RDX(%rsi), %rdx
	mov TDX_VP_RBX(%rsi), %rbx
	mov TDX_VP_RDI(%rsi), %rdi
	mov TDX_VP_R8(%rsi), %r8
	mov TDX_VP_R9(%rsi), %r9
	mov TDX_VP_R10(%rsi), %r10
	mov TDX_VP_R11(%rsi), %r11
	mov TDX_VP_R12(%rsi), %r12
	mov TDX_VP_R13(%rsi), %r13
	mov TDX_VP_R14(%rsi), %r14
	mov TDX_VP_R15(%rsi), %r15
	/* Last: it held the struct's address. */
	mov TDX_VP_RSI(%rsi), %rsi

.Lseamcall_saved:
	seamcall
	jnc .Lseamcall_saved_done
	mov $TDX_SEAMCALL_VMFAILINVALID, %rax
	jmp .Lseamcall_saved_done

	/* #UD or #GP: the fixup put the trap number in RAX. */
.Lseamcall_saved_fault:
	mov $TDX_SW_ERROR, %rcx
	or %rcx, %rax
	_ASM_EXTABLE_FAULT(.Lseamcall_saved, .Lseamcall_saved_fault)

.Lseamcall_saved_done:
	/* The module's RSI, while RSI takes the struct's address again. */
	push %rsi
	mov 8(%rsp), %rsi
	mov %rcx, TDX_VP_RCX(%rsi)
	mov %rdx, TDX_VP_RDX(%rsi)
	mov %rbx, TDX_VP_RBX(%rsi)
	mov %rdi, TDX_VP_RDI(%rsi)
	mov %r8, TDX_VP_R8(%rsi)
	mov %r9, TDX_VP_R9(%rsi)
	mov %r10, TDX_VP_R10(%rsi)
	mov %r11, TDX_VP_R11(%rsi)
	mov %r12, TDX_VP_R12(%rsi)
	mov %r13, TDX_VP_R13(%rsi)
	mov %r14, TDX_VP_R14(%rsi)
	mov %r15, TDX_VP_R15(%rsi)
	pop %rcx
	mov %rcx, TDX_VP_RSI(%rsi)
	pop %rsi

	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	FRAME_END
	RET
SYM_FUNC_END(__seamcall_saved_ret)
