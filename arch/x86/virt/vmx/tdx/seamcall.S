/* SPDX-License-Identifier: GPL-2.0 */
#include <linux/linkage.h>
#include <asm/frame.h>

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
