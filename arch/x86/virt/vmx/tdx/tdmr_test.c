// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the TDX module initialization core: TDMR and PAMT
 * construction on many memory maps, and tdx_module_enable() on an emulated
 * TDX module with every SEAMCALL of the sequence failed in turn.
 *
 * The memory maps exist on paper only: their PAMTs are placed in the map
 * by a test allocator, and the TDMRs are judged by the emulated module's
 * TDH.SYS.CONFIG rules against CMRs the model derives from the firmware's
 * table as a BIOS reports them, and by a coverage walk over the map itself.
 * tdx_module_enable() runs on this machine's memory against a model of its
 * own, through the SEAMCALL instruction; the platform's module is never
 * touched. So does a TD's life on such a module (tdx_module_td_build() and
 * its teardown), each leaf failed in turn and one package left out, judged
 * by what the model holds.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/topology.h>
#include <asm/e820/api.h>
#include <asm/io.h>
#include <asm/smp.h>
#include <linux/cpu.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/tdx.h>
#include <asm/tdx_td.h>
#include "tdx.h"
#include "model/model.h"

struct tdmr_test_range {
	u64 start;	/* usable RAM [start, end) */
	u64 end;
	int nid;
};

struct tdmr_test_map {
	const char *name;
	const struct tdmr_test_range *ranges;
	unsigned int nr;
	int expect;	/* 0, or the errno construction must fail with */
	/* The firmware's whole BIOS-e820 table, for its CMRs; or NULL. */
	const struct tdx_emul_mem_range *fw;
	unsigned int nr_fw;
};

/*
 * The BIOS-e820 tables of eight real machines and VMs, every entry as Linux
 * printed it (../shared/data/e820 of the series' repository), the end made
 * exclusive. The model derives the CMRs from them as a BIOS does (one CMR
 * per stretch of DRAM, firmware-reserved DRAM inside it included). ACPI
 * data, ACPI NVS and the EFI runtime entry (type 20) are DRAM the firmware
 * keeps.
 */
/* 02-qci-qssc-s4r-4socket-xeon-e7-128g.txt */
static const struct tdx_emul_mem_range tdmr_fw_02_qci[] = {
	{ 0x0000000000000100, 0x000000000009b400, TDX_EMUL_MEM_RAM },
	{ 0x000000000009b400, 0x00000000000a0000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000000e0000, 0x0000000000100000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000000000100000, 0x000000007b43e000, TDX_EMUL_MEM_RAM },
	{ 0x000000007b43e000, 0x000000007b441000, TDX_EMUL_MEM_RESERVED },
	{ 0x000000007b441000, 0x000000007b67d000, TDX_EMUL_MEM_FW },	/* ACPI NVS */
	{ 0x000000007b67d000, 0x000000007b68c000, TDX_EMUL_MEM_FW },	/* ACPI data */
	{ 0x000000007b68c000, 0x000000007b68f000, TDX_EMUL_MEM_RESERVED },
	{ 0x000000007b68f000, 0x000000007b694000, TDX_EMUL_MEM_FW },	/* ACPI data */
	{ 0x000000007b694000, 0x000000007b7bd000, TDX_EMUL_MEM_RESERVED },
	{ 0x000000007b7bd000, 0x000000007ba3d000, TDX_EMUL_MEM_FW },	/* ACPI NVS */
	{ 0x000000007ba3d000, 0x000000007baa8000, TDX_EMUL_MEM_RESERVED },
	{ 0x000000007baa8000, 0x000000007bd00000, TDX_EMUL_MEM_FW },	/* ACPI data */
	{ 0x000000007bd00000, 0x000000007bd17000, TDX_EMUL_MEM_RESERVED },
	{ 0x000000007bd17000, 0x000000007bd1a000, TDX_EMUL_MEM_FW },	/* ACPI data */
	{ 0x000000007bd1a000, 0x000000007bd4a000, TDX_EMUL_MEM_RESERVED },
	{ 0x000000007bd4a000, 0x000000007bd5f000, TDX_EMUL_MEM_FW },	/* ACPI data */
	{ 0x000000007bd5f000, 0x000000007bdff000, TDX_EMUL_MEM_RESERVED },
	{ 0x000000007bdff000, 0x000000007be00000, TDX_EMUL_MEM_FW },	/* ACPI data */
	{ 0x000000007be00000, 0x000000007be4f000, TDX_EMUL_MEM_RESERVED },
	{ 0x000000007be4f000, 0x000000007bf71000, TDX_EMUL_MEM_FW },	/* ACPI data */
	{ 0x000000007bf71000, 0x000000007bfcf000, TDX_EMUL_MEM_FW },	/* ACPI NVS */
	{ 0x000000007bfcf000, 0x000000007bfff000, TDX_EMUL_MEM_FW },	/* ACPI data */
	{ 0x000000007bfff000, 0x0000000090000000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fc000000, 0x00000000fd000000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fed1c000, 0x00000000fed20000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000ff000000, 0x0000000100000000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000000100000000, 0x0000002080000000, TDX_EMUL_MEM_RAM },
};

/* 04-supermicro-x11dai-2s-cascadelake-192g.txt */
static const struct tdx_emul_mem_range tdmr_fw_04_x11dai[] = {
	{ 0x0000000000000000, 0x000000000003e000, TDX_EMUL_MEM_RAM },
	{ 0x000000000003e000, 0x0000000000040000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000000000040000, 0x00000000000a0000, TDX_EMUL_MEM_RAM },
	{ 0x00000000000a0000, 0x0000000000100000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000000000100000, 0x0000000069eb6000, TDX_EMUL_MEM_RAM },
	{ 0x0000000069eb6000, 0x000000006bfb6000, TDX_EMUL_MEM_RESERVED },
	{ 0x000000006bfb6000, 0x000000006c4ee000, TDX_EMUL_MEM_RAM },
	{ 0x000000006c4ee000, 0x000000006d330000, TDX_EMUL_MEM_FW },	/* ACPI NVS */
	{ 0x000000006d330000, 0x000000006f967000, TDX_EMUL_MEM_RESERVED },
	{ 0x000000006f967000, 0x000000006fb34000, TDX_EMUL_MEM_FW },	/* type 20 */
	{ 0x000000006fb34000, 0x0000000070000000, TDX_EMUL_MEM_RAM },
	{ 0x0000000070000000, 0x0000000090000000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fd000000, 0x00000000fe800000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fed20000, 0x00000000fed45000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000ff000000, 0x0000000100000000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000000100000000, 0x0000003040000000, TDX_EMUL_MEM_RAM },
};

/* 07-supermicro-h11dsu-2s-epyc-1t-8node.txt */
static const struct tdx_emul_mem_range tdmr_fw_07_h11dsu[] = {
	{ 0x0000000000000000, 0x0000000000099800, TDX_EMUL_MEM_RAM },
	{ 0x0000000000099800, 0x00000000000a0000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000000e0000, 0x0000000000100000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000000000100000, 0x0000000076db0000, TDX_EMUL_MEM_RAM },
	{ 0x0000000076db0000, 0x0000000077000000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000000077000000, 0x00000000c9d5f000, TDX_EMUL_MEM_RAM },
	{ 0x00000000c9d5f000, 0x00000000c9dd2000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000c9dd2000, 0x00000000c9e85000, TDX_EMUL_MEM_RAM },
	{ 0x00000000c9e85000, 0x00000000ca211000, TDX_EMUL_MEM_FW },	/* ACPI NVS */
	{ 0x00000000ca211000, 0x00000000cacc9000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000cacc9000, 0x00000000cc000000, TDX_EMUL_MEM_RAM },
	{ 0x00000000cc000000, 0x00000000d0000000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000ddc00000, 0x00000000ddc80000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000ddd00000, 0x00000000ddd80000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000dddf0000, 0x00000000dddf1000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e0000000, 0x00000000e0080000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e0100000, 0x00000000e0180000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e01f0000, 0x00000000e01f1000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e2700000, 0x00000000e2780000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e2800000, 0x00000000e2880000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e28f0000, 0x00000000e28f1000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e4b00000, 0x00000000e4b80000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e4c00000, 0x00000000e4c80000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e4cf0000, 0x00000000e4cf1000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e6f00000, 0x00000000e6f80000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e7000000, 0x00000000e7080000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e70f0000, 0x00000000e70f1000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e9300000, 0x00000000e9380000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e9400000, 0x00000000e9480000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e94f0000, 0x00000000e94f1000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000eb700000, 0x00000000eb780000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000eb800000, 0x00000000eb880000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000eb8f0000, 0x00000000eb8f1000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000eff00000, 0x00000000eff80000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000efff0000, 0x00000000efff1000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fea00000, 0x00000000feb00000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fec00000, 0x00000000fec01000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fec10000, 0x00000000fec11000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fed00000, 0x00000000fed01000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fed40000, 0x00000000fed45000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fed80000, 0x00000000fed90000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fedc0000, 0x00000000fedc1000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fedc2000, 0x00000000fedc6000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fedc7000, 0x00000000fedc8000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fedc9000, 0x00000000fedcb000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fee00000, 0x00000000fef00000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000ff000000, 0x0000000100000000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000000100000000, 0x000000202f380000, TDX_EMUL_MEM_RAM },
	{ 0x000000202f380000, 0x0000002030000000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000002030000000, 0x000000402ff80000, TDX_EMUL_MEM_RAM },
	{ 0x000000402ff80000, 0x0000004030000000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000004030000000, 0x000000602ff80000, TDX_EMUL_MEM_RAM },
	{ 0x000000602ff80000, 0x0000006030000000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000006030000000, 0x000000802ff80000, TDX_EMUL_MEM_RAM },
	{ 0x000000802ff80000, 0x0000008030000000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000008030000000, 0x000000a02ff80000, TDX_EMUL_MEM_RAM },
	{ 0x000000a02ff80000, 0x000000a030000000, TDX_EMUL_MEM_RESERVED },
	{ 0x000000a030000000, 0x000000c02ff80000, TDX_EMUL_MEM_RAM },
	{ 0x000000c02ff80000, 0x000000c030000000, TDX_EMUL_MEM_RESERVED },
	{ 0x000000c030000000, 0x000000e02ff80000, TDX_EMUL_MEM_RAM },
	{ 0x000000e02ff80000, 0x000000e030000000, TDX_EMUL_MEM_RESERVED },
	{ 0x000000e030000000, 0x000001002ff80000, TDX_EMUL_MEM_RAM },
	{ 0x000001002ff80000, 0x0000010030000000, TDX_EMUL_MEM_RESERVED },
};

/* 10-dell-r6515-epyc7513-snp-256g.txt */
static const struct tdx_emul_mem_range tdmr_fw_10_r6515[] = {
	{ 0x0000000000000000, 0x000000000008f000, TDX_EMUL_MEM_RAM },
	{ 0x000000000008f000, 0x0000000000090000, TDX_EMUL_MEM_FW },	/* ACPI NVS */
	{ 0x0000000000090000, 0x00000000000a0000, TDX_EMUL_MEM_RAM },
	{ 0x0000000000100000, 0x0000000016000000, TDX_EMUL_MEM_RAM },
	{ 0x0000000016000000, 0x0000000056900000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000000056900000, 0x00000000569fc000, TDX_EMUL_MEM_RAM },
	{ 0x00000000569fc000, 0x00000000569fd000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000569fd000, 0x000000005a152000, TDX_EMUL_MEM_RAM },
	{ 0x000000005a152000, 0x000000005a1d2000, TDX_EMUL_MEM_RESERVED },
	{ 0x000000005a1d2000, 0x0000000067acf000, TDX_EMUL_MEM_RAM },
	{ 0x0000000067acf000, 0x000000006dfcf000, TDX_EMUL_MEM_RESERVED },
	{ 0x000000006dfcf000, 0x000000006edff000, TDX_EMUL_MEM_FW },	/* ACPI NVS */
	{ 0x000000006edff000, 0x000000006efff000, TDX_EMUL_MEM_FW },	/* ACPI data */
	{ 0x000000006efff000, 0x000000006f000000, TDX_EMUL_MEM_RAM },
	{ 0x000000006f000000, 0x000000006f00b000, TDX_EMUL_MEM_FW },	/* ACPI NVS */
	{ 0x000000006f00b000, 0x0000000070000000, TDX_EMUL_MEM_RAM },
	{ 0x0000000070000000, 0x0000000090000000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000aa000000, 0x00000000ab000000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000c5000000, 0x00000000c6000000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e0000000, 0x00000000e1000000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fd000000, 0x0000000100000000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000000100000000, 0x000000407f100000, TDX_EMUL_MEM_RAM },
	{ 0x000000407f100000, 0x0000004080000000, TDX_EMUL_MEM_RESERVED },
};

/* 13-qemu-q35-ovmf-dgx-h100-guest-920g.txt */
static const struct tdx_emul_mem_range tdmr_fw_13_ovmf[] = {
	{ 0x0000000000000000, 0x00000000000a0000, TDX_EMUL_MEM_RAM },
	{ 0x0000000000100000, 0x000000007ed3f000, TDX_EMUL_MEM_RAM },
	{ 0x000000007ed3f000, 0x000000007ee00000, TDX_EMUL_MEM_RESERVED },
	{ 0x000000007ee00000, 0x000000007f8ed000, TDX_EMUL_MEM_RAM },
	{ 0x000000007f8ed000, 0x000000007fb6d000, TDX_EMUL_MEM_RESERVED },
	{ 0x000000007fb6d000, 0x000000007fb7f000, TDX_EMUL_MEM_FW },	/* ACPI data */
	{ 0x000000007fb7f000, 0x000000007fbff000, TDX_EMUL_MEM_FW },	/* ACPI NVS */
	{ 0x000000007fbff000, 0x000000007ff7c000, TDX_EMUL_MEM_RAM },
	{ 0x000000007ff7c000, 0x0000000080000000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e0000000, 0x00000000f0000000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000feffc000, 0x00000000ff000000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000ffc00000, 0x0000000100000000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000000100000000, 0x000000e6e0000000, TDX_EMUL_MEM_RAM },
};

/* 14-qemu-q35-seabios-guest-20g.txt */
static const struct tdx_emul_mem_range tdmr_fw_14_seabios[] = {
	{ 0x0000000000000000, 0x000000000009fc00, TDX_EMUL_MEM_RAM },
	{ 0x000000000009fc00, 0x00000000000a0000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000000f0000, 0x0000000000100000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000000000100000, 0x000000007ffdc000, TDX_EMUL_MEM_RAM },
	{ 0x000000007ffdc000, 0x0000000080000000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000b0000000, 0x00000000c0000000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fed1c000, 0x00000000fed20000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000feffc000, 0x00000000ff000000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fffc0000, 0x0000000100000000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000000100000000, 0x0000000580000000, TDX_EMUL_MEM_RAM },
};

/* 16-aws-ec2-r5d-xlarge-32g.txt */
static const struct tdx_emul_mem_range tdmr_fw_16_ec2[] = {
	{ 0x0000000000000000, 0x000000000009fc00, TDX_EMUL_MEM_RAM },
	{ 0x000000000009fc00, 0x00000000000a0000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000000f0000, 0x0000000000100000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000000000100000, 0x00000000bfffa000, TDX_EMUL_MEM_RAM },
	{ 0x00000000bfffa000, 0x00000000c0000000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000e0000000, 0x00000000e0400000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000fffc0000, 0x0000000100000000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000000100000000, 0x0000000822a00000, TDX_EMUL_MEM_RAM },
	{ 0x0000000822a00000, 0x0000000840000000, TDX_EMUL_MEM_RESERVED },
};

/* 17-hyperv-gen1-vm-2g.txt */
static const struct tdx_emul_mem_range tdmr_fw_17_hyperv[] = {
	{ 0x0000000000000000, 0x000000000009fc00, TDX_EMUL_MEM_RAM },
	{ 0x000000000009fc00, 0x00000000000a0000, TDX_EMUL_MEM_RESERVED },
	{ 0x00000000000e0000, 0x0000000000100000, TDX_EMUL_MEM_RESERVED },
	{ 0x0000000000100000, 0x000000003fff0000, TDX_EMUL_MEM_RAM },
	{ 0x000000003fff0000, 0x000000003ffff000, TDX_EMUL_MEM_FW },	/* ACPI data */
	{ 0x000000003ffff000, 0x0000000040000000, TDX_EMUL_MEM_FW },	/* ACPI NVS */
	{ 0x0000000040200000, 0x0000000080200000, TDX_EMUL_MEM_RAM },
};

/*
 * The first eight maps are the usable entries of real BIOS-e820 tables
 * (../shared/data/e820 of the series' repository), nid from the SRAT; the
 * others are corner cases.
 */
/* 02-qci-qssc-s4r-4socket-xeon-e7-128g.txt */
static const struct tdmr_test_range tdmr_map_02_qci[] = {
	/* e820 0x100-0x9b3ff is not 4 KiB aligned: rounded in */
	{ 0x0000000000001000, 0x000000000009b000, 0 },
	{ 0x0000000000100000, 0x000000007b43e000, 0 },
	/* e820 0x100000000-0x207fffffff split at SRAT node boundaries */
	{ 0x0000000100000000, 0x0000000880000000, 0 },
	{ 0x0000000880000000, 0x0000001080000000, 1 },
	{ 0x0000001080000000, 0x0000001880000000, 2 },
	{ 0x0000001880000000, 0x0000002080000000, 3 },
};

/* 04-supermicro-x11dai-2s-cascadelake-192g.txt */
static const struct tdmr_test_range tdmr_map_04_x11dai[] = {
	{ 0x0000000000000000, 0x000000000003e000, 0 },
	{ 0x0000000000040000, 0x00000000000a0000, 0 },
	{ 0x0000000000100000, 0x0000000069eb6000, 0 },
	{ 0x000000006bfb6000, 0x000000006c4ee000, 0 },
	{ 0x000000006fb34000, 0x0000000070000000, 0 },
	/* e820 0x100000000-0x303fffffff split at SRAT node boundaries */
	{ 0x0000000100000000, 0x0000001840000000, 0 },
	{ 0x0000001840000000, 0x0000003040000000, 1 },
};

/* 07-supermicro-h11dsu-2s-epyc-1t-8node.txt */
static const struct tdmr_test_range tdmr_map_07_h11dsu[] = {
	/* e820 0x0-0x997ff is not 4 KiB aligned: rounded in */
	{ 0x0000000000000000, 0x0000000000099000, 0 },
	{ 0x0000000000100000, 0x0000000076db0000, 0 },
	{ 0x0000000077000000, 0x00000000c9d5f000, 0 },
	{ 0x00000000c9dd2000, 0x00000000c9e85000, 0 },
	{ 0x00000000cacc9000, 0x00000000cc000000, 0 },
	{ 0x0000000100000000, 0x000000202f380000, 0 },
	{ 0x0000002030000000, 0x000000402ff80000, 1 },
	{ 0x0000004030000000, 0x000000602ff80000, 2 },
	{ 0x0000006030000000, 0x000000802ff80000, 3 },
	{ 0x0000008030000000, 0x000000a02ff80000, 4 },
	{ 0x000000a030000000, 0x000000c02ff80000, 5 },
	{ 0x000000c030000000, 0x000000e02ff80000, 6 },
	{ 0x000000e030000000, 0x000001002ff80000, 7 },
};

/* 10-dell-r6515-epyc7513-snp-256g.txt */
static const struct tdmr_test_range tdmr_map_10_r6515[] = {
	{ 0x0000000000000000, 0x000000000008f000, 0 },
	{ 0x0000000000090000, 0x00000000000a0000, 0 },
	{ 0x0000000000100000, 0x0000000016000000, 0 },
	{ 0x0000000056900000, 0x00000000569fc000, 0 },
	{ 0x00000000569fd000, 0x000000005a152000, 0 },
	{ 0x000000005a1d2000, 0x0000000067acf000, 0 },
	{ 0x000000006efff000, 0x000000006f000000, 0 },
	{ 0x000000006f00b000, 0x0000000070000000, 0 },
	{ 0x0000000100000000, 0x000000407f100000, 0 },
};

/* 13-qemu-q35-ovmf-dgx-h100-guest-920g.txt */
static const struct tdmr_test_range tdmr_map_13_ovmf[] = {
	{ 0x0000000000000000, 0x00000000000a0000, 0 },
	{ 0x0000000000100000, 0x000000007ed3f000, 0 },
	{ 0x000000007ee00000, 0x000000007f8ed000, 0 },
	{ 0x000000007fbff000, 0x000000007ff7c000, 0 },
	{ 0x0000000100000000, 0x000000e6e0000000, 0 },
};

/* 14-qemu-q35-seabios-guest-20g.txt */
static const struct tdmr_test_range tdmr_map_14_seabios[] = {
	/* e820 0x0-0x9fbff is not 4 KiB aligned: rounded in */
	{ 0x0000000000000000, 0x000000000009f000, 0 },
	{ 0x0000000000100000, 0x000000007ffdc000, 0 },
	{ 0x0000000100000000, 0x0000000580000000, 0 },
};

/* 16-aws-ec2-r5d-xlarge-32g.txt */
static const struct tdmr_test_range tdmr_map_16_ec2[] = {
	/* e820 0x0-0x9fbff is not 4 KiB aligned: rounded in */
	{ 0x0000000000000000, 0x000000000009f000, 0 },
	{ 0x0000000000100000, 0x00000000bfffa000, 0 },
	{ 0x0000000100000000, 0x0000000822a00000, 0 },
};

/* 17-hyperv-gen1-vm-2g.txt */
static const struct tdmr_test_range tdmr_map_17_hyperv[] = {
	/* e820 0x0-0x9fbff is not 4 KiB aligned: rounded in */
	{ 0x0000000000000000, 0x000000000009f000, 0 },
	{ 0x0000000000100000, 0x000000003fff0000, 0 },
	{ 0x0000000040200000, 0x0000000080200000, 0 },
};

/* Synthetic: one range [1 MiB, 4 GiB) on node 0, the simplest layout. */
static const struct tdmr_test_range tdmr_map_single[] = {
	{ 0x0000000000100000, 0x0000000100000000, 0 },
};

/* Synthetic: a PCI hole below 4 GiB, RAM [1 MiB, 0x9fc00000) and [4 GiB, 6 GiB). */
static const struct tdmr_test_range tdmr_map_holes_below_4g[] = {
	{ 0x0000000000100000, 0x000000009fc00000, 0 },
	{ 0x0000000100000000, 0x0000000180000000, 0 },
};

/* Synthetic: two nodes, node 0 [1 MiB, 2 GiB) + [4 GiB, 6 GiB), node 1 [6 GiB, 10 GiB). */
static const struct tdmr_test_range tdmr_map_two_nodes[] = {
	{ 0x0000000000100000, 0x0000000080000000, 0 },
	{ 0x0000000100000000, 0x0000000180000000, 0 },
	{ 0x0000000180000000, 0x0000000280000000, 1 },
};

/* Synthetic: range boundaries that are not 1 GiB aligned. */
static const struct tdmr_test_range tdmr_map_unaligned[] = {
	{ 0x0000000000100000, 0x000000003ff00000, 0 },
	{ 0x0000000040200000, 0x000000007fe00000, 0 },
	{ 0x0000000100400000, 0x00000001bff00000, 0 },
};

/*
 * Synthetic: 100 ranges of 256 MiB, range i at i * 2 GiB + 1 GiB, each in its
 * own 1 GiB block with 1 GiB gaps between them.  One TDMR per region would
 * need 100 TDMRs, more than the module's 64.
 */
static const struct tdmr_test_range tdmr_map_many_regions[] = {
	{ 0x0000000040000000, 0x0000000050000000, 0 },
	{ 0x00000000c0000000, 0x00000000d0000000, 0 },
	{ 0x0000000140000000, 0x0000000150000000, 0 },
	{ 0x00000001c0000000, 0x00000001d0000000, 0 },
	{ 0x0000000240000000, 0x0000000250000000, 0 },
	{ 0x00000002c0000000, 0x00000002d0000000, 0 },
	{ 0x0000000340000000, 0x0000000350000000, 0 },
	{ 0x00000003c0000000, 0x00000003d0000000, 0 },
	{ 0x0000000440000000, 0x0000000450000000, 0 },
	{ 0x00000004c0000000, 0x00000004d0000000, 0 },
	{ 0x0000000540000000, 0x0000000550000000, 0 },
	{ 0x00000005c0000000, 0x00000005d0000000, 0 },
	{ 0x0000000640000000, 0x0000000650000000, 0 },
	{ 0x00000006c0000000, 0x00000006d0000000, 0 },
	{ 0x0000000740000000, 0x0000000750000000, 0 },
	{ 0x00000007c0000000, 0x00000007d0000000, 0 },
	{ 0x0000000840000000, 0x0000000850000000, 0 },
	{ 0x00000008c0000000, 0x00000008d0000000, 0 },
	{ 0x0000000940000000, 0x0000000950000000, 0 },
	{ 0x00000009c0000000, 0x00000009d0000000, 0 },
	{ 0x0000000a40000000, 0x0000000a50000000, 0 },
	{ 0x0000000ac0000000, 0x0000000ad0000000, 0 },
	{ 0x0000000b40000000, 0x0000000b50000000, 0 },
	{ 0x0000000bc0000000, 0x0000000bd0000000, 0 },
	{ 0x0000000c40000000, 0x0000000c50000000, 0 },
	{ 0x0000000cc0000000, 0x0000000cd0000000, 0 },
	{ 0x0000000d40000000, 0x0000000d50000000, 0 },
	{ 0x0000000dc0000000, 0x0000000dd0000000, 0 },
	{ 0x0000000e40000000, 0x0000000e50000000, 0 },
	{ 0x0000000ec0000000, 0x0000000ed0000000, 0 },
	{ 0x0000000f40000000, 0x0000000f50000000, 0 },
	{ 0x0000000fc0000000, 0x0000000fd0000000, 0 },
	{ 0x0000001040000000, 0x0000001050000000, 0 },
	{ 0x00000010c0000000, 0x00000010d0000000, 0 },
	{ 0x0000001140000000, 0x0000001150000000, 0 },
	{ 0x00000011c0000000, 0x00000011d0000000, 0 },
	{ 0x0000001240000000, 0x0000001250000000, 0 },
	{ 0x00000012c0000000, 0x00000012d0000000, 0 },
	{ 0x0000001340000000, 0x0000001350000000, 0 },
	{ 0x00000013c0000000, 0x00000013d0000000, 0 },
	{ 0x0000001440000000, 0x0000001450000000, 0 },
	{ 0x00000014c0000000, 0x00000014d0000000, 0 },
	{ 0x0000001540000000, 0x0000001550000000, 0 },
	{ 0x00000015c0000000, 0x00000015d0000000, 0 },
	{ 0x0000001640000000, 0x0000001650000000, 0 },
	{ 0x00000016c0000000, 0x00000016d0000000, 0 },
	{ 0x0000001740000000, 0x0000001750000000, 0 },
	{ 0x00000017c0000000, 0x00000017d0000000, 0 },
	{ 0x0000001840000000, 0x0000001850000000, 0 },
	{ 0x00000018c0000000, 0x00000018d0000000, 0 },
	{ 0x0000001940000000, 0x0000001950000000, 0 },
	{ 0x00000019c0000000, 0x00000019d0000000, 0 },
	{ 0x0000001a40000000, 0x0000001a50000000, 0 },
	{ 0x0000001ac0000000, 0x0000001ad0000000, 0 },
	{ 0x0000001b40000000, 0x0000001b50000000, 0 },
	{ 0x0000001bc0000000, 0x0000001bd0000000, 0 },
	{ 0x0000001c40000000, 0x0000001c50000000, 0 },
	{ 0x0000001cc0000000, 0x0000001cd0000000, 0 },
	{ 0x0000001d40000000, 0x0000001d50000000, 0 },
	{ 0x0000001dc0000000, 0x0000001dd0000000, 0 },
	{ 0x0000001e40000000, 0x0000001e50000000, 0 },
	{ 0x0000001ec0000000, 0x0000001ed0000000, 0 },
	{ 0x0000001f40000000, 0x0000001f50000000, 0 },
	{ 0x0000001fc0000000, 0x0000001fd0000000, 0 },
	{ 0x0000002040000000, 0x0000002050000000, 0 },
	{ 0x00000020c0000000, 0x00000020d0000000, 0 },
	{ 0x0000002140000000, 0x0000002150000000, 0 },
	{ 0x00000021c0000000, 0x00000021d0000000, 0 },
	{ 0x0000002240000000, 0x0000002250000000, 0 },
	{ 0x00000022c0000000, 0x00000022d0000000, 0 },
	{ 0x0000002340000000, 0x0000002350000000, 0 },
	{ 0x00000023c0000000, 0x00000023d0000000, 0 },
	{ 0x0000002440000000, 0x0000002450000000, 0 },
	{ 0x00000024c0000000, 0x00000024d0000000, 0 },
	{ 0x0000002540000000, 0x0000002550000000, 0 },
	{ 0x00000025c0000000, 0x00000025d0000000, 0 },
	{ 0x0000002640000000, 0x0000002650000000, 0 },
	{ 0x00000026c0000000, 0x00000026d0000000, 0 },
	{ 0x0000002740000000, 0x0000002750000000, 0 },
	{ 0x00000027c0000000, 0x00000027d0000000, 0 },
	{ 0x0000002840000000, 0x0000002850000000, 0 },
	{ 0x00000028c0000000, 0x00000028d0000000, 0 },
	{ 0x0000002940000000, 0x0000002950000000, 0 },
	{ 0x00000029c0000000, 0x00000029d0000000, 0 },
	{ 0x0000002a40000000, 0x0000002a50000000, 0 },
	{ 0x0000002ac0000000, 0x0000002ad0000000, 0 },
	{ 0x0000002b40000000, 0x0000002b50000000, 0 },
	{ 0x0000002bc0000000, 0x0000002bd0000000, 0 },
	{ 0x0000002c40000000, 0x0000002c50000000, 0 },
	{ 0x0000002cc0000000, 0x0000002cd0000000, 0 },
	{ 0x0000002d40000000, 0x0000002d50000000, 0 },
	{ 0x0000002dc0000000, 0x0000002dd0000000, 0 },
	{ 0x0000002e40000000, 0x0000002e50000000, 0 },
	{ 0x0000002ec0000000, 0x0000002ed0000000, 0 },
	{ 0x0000002f40000000, 0x0000002f50000000, 0 },
	{ 0x0000002fc0000000, 0x0000002fd0000000, 0 },
	{ 0x0000003040000000, 0x0000003050000000, 0 },
	{ 0x00000030c0000000, 0x00000030d0000000, 0 },
	{ 0x0000003140000000, 0x0000003150000000, 0 },
	{ 0x00000031c0000000, 0x00000031d0000000, 0 },
};

/*
 * Synthetic: 40 ranges of 8 MiB, range i at 16 MiB * i + 16 MiB, inside
 * [0, 1 GiB), then [1 GiB, 3 GiB). The first 1 GiB block has 40 holes,
 * but inside the one CMR that map_cmrs() gives a map of more than 32
 * ranges: they need no reserved area. The same holes outside the CMRs
 * cannot be described (tdmr_cmr_holes_outside_test).
 */
static const struct tdmr_test_range tdmr_map_many_holes[] = {
	{ 0x0000000001000000, 0x0000000001800000, 0 },
	{ 0x0000000002000000, 0x0000000002800000, 0 },
	{ 0x0000000003000000, 0x0000000003800000, 0 },
	{ 0x0000000004000000, 0x0000000004800000, 0 },
	{ 0x0000000005000000, 0x0000000005800000, 0 },
	{ 0x0000000006000000, 0x0000000006800000, 0 },
	{ 0x0000000007000000, 0x0000000007800000, 0 },
	{ 0x0000000008000000, 0x0000000008800000, 0 },
	{ 0x0000000009000000, 0x0000000009800000, 0 },
	{ 0x000000000a000000, 0x000000000a800000, 0 },
	{ 0x000000000b000000, 0x000000000b800000, 0 },
	{ 0x000000000c000000, 0x000000000c800000, 0 },
	{ 0x000000000d000000, 0x000000000d800000, 0 },
	{ 0x000000000e000000, 0x000000000e800000, 0 },
	{ 0x000000000f000000, 0x000000000f800000, 0 },
	{ 0x0000000010000000, 0x0000000010800000, 0 },
	{ 0x0000000011000000, 0x0000000011800000, 0 },
	{ 0x0000000012000000, 0x0000000012800000, 0 },
	{ 0x0000000013000000, 0x0000000013800000, 0 },
	{ 0x0000000014000000, 0x0000000014800000, 0 },
	{ 0x0000000015000000, 0x0000000015800000, 0 },
	{ 0x0000000016000000, 0x0000000016800000, 0 },
	{ 0x0000000017000000, 0x0000000017800000, 0 },
	{ 0x0000000018000000, 0x0000000018800000, 0 },
	{ 0x0000000019000000, 0x0000000019800000, 0 },
	{ 0x000000001a000000, 0x000000001a800000, 0 },
	{ 0x000000001b000000, 0x000000001b800000, 0 },
	{ 0x000000001c000000, 0x000000001c800000, 0 },
	{ 0x000000001d000000, 0x000000001d800000, 0 },
	{ 0x000000001e000000, 0x000000001e800000, 0 },
	{ 0x000000001f000000, 0x000000001f800000, 0 },
	{ 0x0000000020000000, 0x0000000020800000, 0 },
	{ 0x0000000021000000, 0x0000000021800000, 0 },
	{ 0x0000000022000000, 0x0000000022800000, 0 },
	{ 0x0000000023000000, 0x0000000023800000, 0 },
	{ 0x0000000024000000, 0x0000000024800000, 0 },
	{ 0x0000000025000000, 0x0000000025800000, 0 },
	{ 0x0000000026000000, 0x0000000026800000, 0 },
	{ 0x0000000027000000, 0x0000000027800000, 0 },
	{ 0x0000000028000000, 0x0000000028800000, 0 },
	{ 0x0000000040000000, 0x00000000c0000000, 0 },
};

/*
 * Synthetic: [1 MiB, 4 GiB) with a 4 KiB hole at b * 1 GiB + (k + 1) * 64 MiB
 * for b = 0..3, k = 0..9.  One TDMR over [0, 4 GiB) would need 41 reserved
 * areas (40 holes plus [0, 1 MiB)); 1 GiB TDMRs need at most 11 each.
 */
static const struct tdmr_test_range tdmr_map_holes_split[] = {
	{ 0x0000000000100000, 0x0000000004000000, 0 },
	{ 0x0000000004001000, 0x0000000008000000, 0 },
	{ 0x0000000008001000, 0x000000000c000000, 0 },
	{ 0x000000000c001000, 0x0000000010000000, 0 },
	{ 0x0000000010001000, 0x0000000014000000, 0 },
	{ 0x0000000014001000, 0x0000000018000000, 0 },
	{ 0x0000000018001000, 0x000000001c000000, 0 },
	{ 0x000000001c001000, 0x0000000020000000, 0 },
	{ 0x0000000020001000, 0x0000000024000000, 0 },
	{ 0x0000000024001000, 0x0000000028000000, 0 },
	{ 0x0000000028001000, 0x0000000044000000, 0 },
	{ 0x0000000044001000, 0x0000000048000000, 0 },
	{ 0x0000000048001000, 0x000000004c000000, 0 },
	{ 0x000000004c001000, 0x0000000050000000, 0 },
	{ 0x0000000050001000, 0x0000000054000000, 0 },
	{ 0x0000000054001000, 0x0000000058000000, 0 },
	{ 0x0000000058001000, 0x000000005c000000, 0 },
	{ 0x000000005c001000, 0x0000000060000000, 0 },
	{ 0x0000000060001000, 0x0000000064000000, 0 },
	{ 0x0000000064001000, 0x0000000068000000, 0 },
	{ 0x0000000068001000, 0x0000000084000000, 0 },
	{ 0x0000000084001000, 0x0000000088000000, 0 },
	{ 0x0000000088001000, 0x000000008c000000, 0 },
	{ 0x000000008c001000, 0x0000000090000000, 0 },
	{ 0x0000000090001000, 0x0000000094000000, 0 },
	{ 0x0000000094001000, 0x0000000098000000, 0 },
	{ 0x0000000098001000, 0x000000009c000000, 0 },
	{ 0x000000009c001000, 0x00000000a0000000, 0 },
	{ 0x00000000a0001000, 0x00000000a4000000, 0 },
	{ 0x00000000a4001000, 0x00000000a8000000, 0 },
	{ 0x00000000a8001000, 0x00000000c4000000, 0 },
	{ 0x00000000c4001000, 0x00000000c8000000, 0 },
	{ 0x00000000c8001000, 0x00000000cc000000, 0 },
	{ 0x00000000cc001000, 0x00000000d0000000, 0 },
	{ 0x00000000d0001000, 0x00000000d4000000, 0 },
	{ 0x00000000d4001000, 0x00000000d8000000, 0 },
	{ 0x00000000d8001000, 0x00000000dc000000, 0 },
	{ 0x00000000dc001000, 0x00000000e0000000, 0 },
	{ 0x00000000e0001000, 0x00000000e4000000, 0 },
	{ 0x00000000e4001000, 0x00000000e8000000, 0 },
	{ 0x00000000e8001000, 0x0000000100000000, 0 },
};

/*
 * Synthetic: node 0 [1 MiB, 0x60000000), node 1 [0x60000000, 0xc0000000),
 * two nodes meeting inside one 1 GiB block.
 */
static const struct tdmr_test_range tdmr_map_numa_inside_gb[] = {
	{ 0x0000000000100000, 0x0000000060000000, 0 },
	{ 0x0000000060000000, 0x00000000c0000000, 1 },
};

/* A real machine's map: its usable ranges and its firmware's table. */
#define REAL_MAP(name, id)							\
	{ name, tdmr_map_##id, ARRAY_SIZE(tdmr_map_##id), 0,			\
	  tdmr_fw_##id, ARRAY_SIZE(tdmr_fw_##id) }

static const struct tdmr_test_map tdmr_test_maps[] = {
	REAL_MAP("02-qci-4socket-128g", 02_qci),
	REAL_MAP("04-supermicro-x11dai-192g", 04_x11dai),
	REAL_MAP("07-supermicro-h11dsu-8node", 07_h11dsu),
	REAL_MAP("10-dell-r6515-snp-256g", 10_r6515),
	REAL_MAP("13-qemu-ovmf-920g", 13_ovmf),
	REAL_MAP("14-qemu-seabios-20g", 14_seabios),
	REAL_MAP("16-aws-r5d-32g", 16_ec2),
	REAL_MAP("17-hyperv-gen1-2g", 17_hyperv),
	{ "single", tdmr_map_single, ARRAY_SIZE(tdmr_map_single), 0 },
	{ "holes_below_4g", tdmr_map_holes_below_4g, ARRAY_SIZE(tdmr_map_holes_below_4g), 0 },
	{ "two_nodes", tdmr_map_two_nodes, ARRAY_SIZE(tdmr_map_two_nodes), 0 },
	{ "unaligned", tdmr_map_unaligned, ARRAY_SIZE(tdmr_map_unaligned), 0 },
	{ "many_regions", tdmr_map_many_regions, ARRAY_SIZE(tdmr_map_many_regions), 0 },
	{ "many_holes", tdmr_map_many_holes, ARRAY_SIZE(tdmr_map_many_holes), 0 },
	{ "holes_split", tdmr_map_holes_split, ARRAY_SIZE(tdmr_map_holes_split), 0 },
	{ "numa_inside_gb", tdmr_map_numa_inside_gb, ARRAY_SIZE(tdmr_map_numa_inside_gb), 0 },
};

static void tdmr_map_desc(const struct tdmr_test_map *map, char *desc)
{
	strscpy(desc, map->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tdmr_map, tdmr_test_maps, tdmr_map_desc);

/* What TDX memory the kernel would take from the map: all of it above 1 MiB. */
static void map_memlist(struct kunit *test, const struct tdmr_test_map *map,
			struct tdx_memlist *mem)
{
	unsigned int i;

	mem->regions = kunit_kcalloc(test, map->nr, sizeof(*mem->regions), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mem->regions);
	mem->nr = 0;
	for (i = 0; i < map->nr; i++) {
		u64 start = max_t(u64, map->ranges[i].start, SZ_1M);

		if (start >= map->ranges[i].end)
			continue;
		mem->regions[mem->nr++] = (struct tdx_mem_region){
			start, map->ranges[i].end, map->ranges[i].nid };
	}
}

/*
 * CMRs from the map's own RAM ranges, adjacent ones merged, one CMR spanning
 * them all if there are more than 32: for the synthetic maps, and for the
 * real ones the CMRs the series' tests used before they had the firmware's
 * table (the layout with the firmware's CMRs must not spend more).
 */
static void map_ram_cmrs(struct kunit *test, const struct tdmr_test_map *map,
			 struct tdx_emul *m)
{
	u64 s = 0, e = 0;
	unsigned int i;

	for (i = 0; i < map->nr; i++) {
		u64 start = max_t(u64, map->ranges[i].start, SZ_1M);

		if (start >= map->ranges[i].end)
			continue;
		if (e && start == e) {
			e = map->ranges[i].end;
			continue;
		}
		if (e && tdx_emul_add_cmr(m, s, e) == -ENOSPC)
			break;
		s = start;
		e = map->ranges[i].end;
	}
	if (i < map->nr) {
		m->nr_cmrs = 0;
		s = m->cmrs[0].base;
		e = map->ranges[map->nr - 1].end;
	}
	KUNIT_ASSERT_EQ(test, tdx_emul_add_cmr(m, s, e), 0);
}

/*
 * CMRs as the map's firmware reports them: derived by the model from the
 * firmware's e820 table where the map has one. Every usable range must be
 * convertible, or the two tables of the map disagree.
 */
static void map_cmrs(struct kunit *test, const struct tdmr_test_map *map,
		     struct tdx_emul *m, bool ram_cmrs)
{
	unsigned int i;

	if (ram_cmrs || !map->fw) {
		map_ram_cmrs(test, map, m);
		return;
	}
	KUNIT_ASSERT_EQ(test, tdx_emul_cmrs_from_map(m, map->fw, map->nr_fw), 0);
	for (i = 0; i < map->nr; i++) {
		u64 start = max_t(u64, map->ranges[i].start, SZ_1M);

		KUNIT_ASSERT_TRUE_MSG(test, start >= map->ranges[i].end ||
				      tdx_emul_cmrs_cover(m, start, map->ranges[i].end),
				      "usable [%#llx, %#llx) outside the firmware's CMRs",
				      start, map->ranges[i].end);
	}
}

/* The kernel reads the CMRs from the module: give it the model's. */
static void model_cmrs_to_info(const struct tdx_emul *m, struct tdx_sysinfo *info)
{
	unsigned int i;

	info->nr_cmrs = m->nr_cmrs;
	for (i = 0; i < m->nr_cmrs; i++) {
		info->cmrs[i].base = m->cmrs[i].base;
		info->cmrs[i].size = m->cmrs[i].size;
	}
}

/* The model's TDH.SYS.CONFIG verdict on a TDMR list, by physical address. */
static u64 model_judges(struct kunit *test, const struct tdx_emul *emul,
			const struct tdmr_info_list *list)
{
	unsigned int i;
	u64 *pa;

	pa = kunit_kcalloc(test, list->nr_tdmrs, sizeof(*pa), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pa);
	for (i = 0; i < list->nr_tdmrs; i++)
		pa[i] = __pa(tdmr_entry(list, i));
	return tdx_emul_check_tdmrs(emul, pa, list->nr_tdmrs);
}

/* PAMT bytes a TDMR needs, by the ABI: 16-byte entries per 4K, 2M, 1G page. */
static u64 abi_pamt_bytes(u64 tdmr_size)
{
	return ALIGN((tdmr_size >> 12) * 16, SZ_4K) + ALIGN((tdmr_size >> 21) * 16, SZ_4K) +
	       ALIGN((tdmr_size >> 30) * 16, SZ_4K);
}

/* Places PAMTs top-down in the map's memory of the requested node. */
struct paper_pamts {
	const struct tdx_memlist *mem;
	u64 *top;
	unsigned long pages;
};

static u64 paper_alloc(void *data, int nid, unsigned long nr_pages)
{
	struct paper_pamts *p = data;
	u64 size = (u64)nr_pages << PAGE_SHIFT;
	int pass, i;

	for (pass = 0; pass < 2; pass++) {
		for (i = p->mem->nr - 1; i >= 0; i--) {
			const struct tdx_mem_region *r = &p->mem->regions[i];

			if ((!pass && r->nid != nid) || p->top[i] - r->start < size)
				continue;
			p->top[i] -= size;
			p->pages += nr_pages;
			return p->top[i];
		}
	}
	return 0;
}

static void paper_free(void *data, u64 pa, unsigned long nr_pages)
{
	struct paper_pamts *p = data;

	p->pages -= nr_pages;
}

/* Do the PAMT blocks, adjacent ones together, cover [start, end)? */
static bool in_pamt(const struct tdmr_info_list *list, u64 start, u64 end)
{
	bool moved = true;
	unsigned int i;
	u64 pos = start;

	while (pos < end && moved) {
		moved = false;
		for (i = 0; i < list->nr_tdmrs; i++) {
			const struct tdmr_info *t = tdmr_entry(list, i);
			u64 s = t->pamt_4k_base;
			u64 e = s + t->pamt_4k_size + t->pamt_2m_size + t->pamt_1g_size;

			if (s <= pos && e > pos) {
				pos = e;
				moved = true;
			}
		}
	}
	return pos >= end;
}

/*
 * Every byte of TDX memory is in a TDMR and not reserved, unless a PAMT
 * holds it; what of a TDMR is usable is convertible memory by the model's
 * (the firmware's) CMRs.
 */
static void check_coverage(struct kunit *test, const struct tdx_emul *emul,
			   const struct tdx_memlist *mem, const struct tdmr_info_list *list)
{
	unsigned int i, k, j;
	u64 covered = 0;

	for (i = 0; i < list->nr_tdmrs; i++) {
		const struct tdmr_info *t = tdmr_entry(list, i);
		u64 pos = t->base;

		for (k = 0; k <= TDX_MAX_RESERVED_AREAS; k++) {
			const struct tdmr_reserved_area *ra = &t->reserved_areas[k];
			bool last = k == TDX_MAX_RESERVED_AREAS || !ra->size;
			u64 rs = last ? t->base + t->size : t->base + ra->offset;

			/* Usable part [pos, rs): convertible memory only. */
			KUNIT_EXPECT_TRUE_MSG(test, pos >= rs || tdx_emul_cmrs_cover(emul, pos, rs),
					      "TDMR %u: [%#llx, %#llx) usable but not in a CMR",
					      i, pos, rs);
			if (last)
				break;
			/* Reserved part: its TDX memory must be a PAMT. */
			for (j = 0; j < mem->nr; j++) {
				u64 s = max(rs, mem->regions[j].start);
				u64 e = min(rs + ra->size, mem->regions[j].end);

				KUNIT_EXPECT_TRUE_MSG(test, s >= e || in_pamt(list, s, e),
						      "TDMR %u: TDX memory [%#llx, %#llx) reserved",
						      i, s, e);
			}
			pos = rs + ra->size;
		}
		covered += t->size;
	}

	for (j = 0; j < mem->nr; j++) {
		u64 pos = mem->regions[j].start;

		for (i = 0; i < list->nr_tdmrs; i++) {
			const struct tdmr_info *t = tdmr_entry(list, i);

			if (t->base <= pos && t->base + t->size > pos)
				pos = min(mem->regions[j].end, t->base + t->size);
		}
		KUNIT_EXPECT_GE_MSG(test, pos, mem->regions[j].end,
				    "TDX memory at %#llx not in any TDMR", pos);
	}
	KUNIT_EXPECT_EQ(test, covered, tdmrs_covered_bytes(list));
}

/*
 * Upstream Linux's layout, for comparison: each region rounded out to
 * 1 GiB, a new TDMR for any part the previous TDMR does not cover.
 * Returns its PAMT bytes; *fits says whether it stays within the module's
 * limits (TDMRs, and reserved areas for holes alone).
 */
static u64 upstream_pamt(const struct tdx_memlist *mem, const struct tdx_sysinfo *info,
			 unsigned int *nr, bool *fits)
{
	u64 base = 0, end = 0, bytes = 0;
	unsigned int i, l;

	*nr = 0;
	*fits = true;
	for (i = 0; i <= mem->nr; i++) {
		u64 s = 0, e = 0;

		if (i < mem->nr) {
			s = ALIGN_DOWN(mem->regions[i].start, SZ_1G);
			e = ALIGN(mem->regions[i].end, SZ_1G);
			if (*nr && e <= end)
				continue;
			if (*nr && s < end)
				s = end;
		}
		if (*nr) {
			unsigned int holes = 0, j;
			u64 pos = base;

			for (l = 0; l < TDX_PS_NR; l++)
				bytes += tdmr_pamt_size(end - base, info, l);
			for (j = 0; j < mem->nr; j++) {
				if (mem->regions[j].end <= pos || mem->regions[j].start >= end)
					continue;
				holes += mem->regions[j].start > pos;
				pos = mem->regions[j].end;
			}
			holes += pos < end;
			if (holes > info->max_reserved_per_tdmr)
				*fits = false;
		}
		if (i == mem->nr)
			break;
		base = s;
		end = e;
		(*nr)++;
	}
	if (*nr > info->max_tdmrs)
		*fits = false;
	return bytes;
}

static void test_sysinfo(struct tdx_sysinfo *info)
{
	memset(info, 0, sizeof(*info));
	info->max_tdmrs = TDX_MAX_TDMRS;
	info->max_reserved_per_tdmr = TDX_MAX_RESERVED_AREAS;
	info->pamt_entry_size[TDX_PS_4K] = 16;
	info->pamt_entry_size[TDX_PS_2M] = 16;
	info->pamt_entry_size[TDX_PS_1G] = 16;
}

/* What a layout of a map came to. */
struct map_layout {
	u64 pamt;		/* PAMT bytes */
	u64 covered;		/* bytes in TDMRs */
	unsigned int nr_tdmrs;
	unsigned int nr_reserved;	/* reserved areas in all TDMRs */
	unsigned int nr_cmrs;	/* the CMRs it was laid out in */
};

/*
 * Lays @map out in the CMRs map_cmrs() gives and judges the layout by the
 * model's rules, the coverage walk and the ABI's PAMT sizing. Returns what
 * construction returned, and the figures in @out.
 */
static int map_layout(struct kunit *test, const struct tdmr_test_map *map, bool ram_cmrs,
		      struct map_layout *out)
{
	struct tdmr_info_list list = {};
	struct paper_pamts paper = {};
	struct tdx_pamt_ops ops = {
		.alloc = paper_alloc, .free = paper_free, .data = &paper,
	};
	struct tdx_sysinfo info;
	struct tdx_memlist mem;
	struct tdx_emul *emul;
	unsigned int i;
	u64 pamt;
	int ret;

	test_sysinfo(&info);
	map_memlist(test, map, &mem);
	paper.mem = &mem;
	paper.top = kunit_kcalloc(test, mem.nr, sizeof(*paper.top), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, paper.top);
	for (i = 0; i < mem.nr; i++)
		paper.top[i] = mem.regions[i].end;

	emul = kunit_kzalloc(test, sizeof(*emul), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, emul);
	tdx_emul_model_init(emul);
	map_cmrs(test, map, emul, ram_cmrs);
	model_cmrs_to_info(emul, &info);
	out->nr_cmrs = emul->nr_cmrs;

	KUNIT_ASSERT_EQ(test, tdmr_list_alloc(&list, &info), 0);
	ret = tdmrs_construct(&list, &mem, &info, &ops);
	if (ret) {
		KUNIT_EXPECT_EQ(test, paper.pages, 0);
		tdmr_list_free(&list);
		return ret;
	}

	/* The emulated module's TDH.SYS.CONFIG rules accept the layout. */
	KUNIT_EXPECT_EQ(test, model_judges(test, emul, &list), TDXM_SUCCESS);
	KUNIT_EXPECT_LE(test, list.nr_tdmrs, info.max_tdmrs);

	check_coverage(test, emul, &mem, &list);

	/* PAMT bytes: what the ABI says the TDMRs need, what was allocated. */
	pamt = 0;
	for (i = 0; i < list.nr_tdmrs; i++)
		pamt += abi_pamt_bytes(tdmr_entry(&list, i)->size);
	KUNIT_EXPECT_EQ(test, tdmrs_pamt_bytes(&list), pamt);
	KUNIT_EXPECT_EQ(test, paper.pages << PAGE_SHIFT, pamt);

	out->pamt = pamt;
	out->covered = tdmrs_covered_bytes(&list);
	out->nr_tdmrs = list.nr_tdmrs;
	out->nr_reserved = 0;
	for (i = 0; i < list.nr_tdmrs; i++) {
		const struct tdmr_info *t = tdmr_entry(&list, i);
		unsigned int k;

		for (k = 0; k < TDX_MAX_RESERVED_AREAS && t->reserved_areas[k].size; k++)
			out->nr_reserved++;
	}

	tdmrs_free_pamts(&list, &ops);
	KUNIT_EXPECT_EQ(test, paper.pages, 0);
	tdmr_list_free(&list);
	return 0;
}

static void tdmr_map_test(struct kunit *test)
{
	const struct tdmr_test_map *map = test->param_value;
	struct map_layout fw = {}, ram = {};
	struct tdx_sysinfo info;
	struct tdx_memlist mem;
	u64 minimum, up_pamt;
	char before[80] = "";
	unsigned int up_nr;
	bool up_fits;

	KUNIT_ASSERT_EQ(test, map_layout(test, map, false, &fw), map->expect);
	if (map->expect)
		return;

	/* Never more than upstream's layout where that one works at all. */
	test_sysinfo(&info);
	map_memlist(test, map, &mem);
	up_pamt = upstream_pamt(&mem, &info, &up_nr, &up_fits);
	if (up_fits)
		KUNIT_EXPECT_LE(test, fw.pamt, up_pamt);

	/*
	 * The firmware's CMRs take in the DRAM it reserves between RAM ranges:
	 * never a costlier layout, nor one with more reserved areas, than with
	 * the RAM ranges alone as CMRs.
	 */
	if (map->fw) {
		KUNIT_ASSERT_EQ(test, map_layout(test, map, true, &ram), 0);
		KUNIT_EXPECT_LE(test, fw.pamt, ram.pamt);
		KUNIT_EXPECT_LE(test, fw.nr_reserved, ram.nr_reserved);
		snprintf(before, sizeof(before), "; RAM ranges as CMRs: %llu KB, %u reserved areas",
			 ram.pamt / SZ_1K, ram.nr_reserved);
	}

	minimum = fw.covered / SZ_4K * 16 + fw.covered / SZ_2M * 16 + fw.covered / SZ_1G * 16;
	pr_info("# FIGURE PAMT for %s: %u CMRs, %u TDMRs, %u reserved areas, %llu KB (theoretical minimum for the %llu GiB covered %llu KB); upstream layout: %u TDMRs, %llu KB%s%s\n",
		map->name, fw.nr_cmrs, fw.nr_tdmrs, fw.nr_reserved, fw.pamt / SZ_1K,
		fw.covered / SZ_1G, minimum / SZ_1K, up_nr, up_pamt / SZ_1K,
		up_fits ? "" : " (exceeds the module's limits)", before);
}

/* A PAMT that does not fit its TDMR's reserved areas is a layout bug. */
static void tdmr_bad_layouts_test(struct kunit *test)
{
	static const struct tdmr_test_range two_gb[] = { { SZ_1M, SZ_2G, 0 } };
	const struct tdmr_test_map map = { "2g", two_gb, 1, 0 };
	struct tdmr_info_list list = {};
	struct paper_pamts paper = {};
	struct tdx_pamt_ops ops = {
		.alloc = paper_alloc, .free = paper_free, .data = &paper,
	};
	struct tdmr_reserved_area saved;
	struct tdx_sysinfo info;
	struct tdx_memlist mem;
	struct tdmr_info *t;
	struct tdx_emul *emul;
	u64 pa, top;

	test_sysinfo(&info);
	map_memlist(test, &map, &mem);
	paper.mem = &mem;
	top = mem.regions[0].end;
	paper.top = &top;
	emul = kunit_kzalloc(test, sizeof(*emul), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, emul);
	tdx_emul_model_init(emul);
	map_ram_cmrs(test, &map, emul);
	model_cmrs_to_info(emul, &info);

	KUNIT_ASSERT_EQ(test, tdmr_list_alloc(&list, &info), 0);
	KUNIT_ASSERT_EQ(test, tdmrs_construct(&list, &mem, &info, &ops), 0);
	t = tdmr_entry(&list, 0);
	pa = __pa(t);
	KUNIT_ASSERT_EQ(test, tdx_emul_check_tdmrs(emul, &pa, 1), TDXM_SUCCESS);

	/* The PAMT no longer reserved: it overlaps the usable TDMR. */
	saved = t->reserved_areas[1];
	t->reserved_areas[1].size = 0;
	KUNIT_EXPECT_EQ(test, tdx_emul_check_tdmrs(emul, &pa, 1), TDXM_PAMT_OVERLAP);
	t->reserved_areas[1] = saved;
	KUNIT_EXPECT_EQ(test, tdx_emul_check_tdmrs(emul, &pa, 1), TDXM_SUCCESS);

	/* A 4 KiB PAMT too small for the TDMR. */
	t->pamt_4k_size -= SZ_4K;
	KUNIT_EXPECT_EQ(test, tdx_emul_check_tdmrs(emul, &pa, 1), TDXM_INVALID_PAMT);
	t->pamt_4k_size += SZ_4K;

	/* Misaligned TDMR, reserved area, and one outside its TDMR. */
	t->base += SZ_2M;
	KUNIT_EXPECT_EQ(test, tdx_emul_check_tdmrs(emul, &pa, 1), TDXM_INVALID_TDMR);
	t->base -= SZ_2M;
	t->reserved_areas[0].size += 512;
	KUNIT_EXPECT_EQ(test, tdx_emul_check_tdmrs(emul, &pa, 1),
			TDXM_INVALID_RESERVED_IN_TDMR);
	t->reserved_areas[0].size -= 512;

	/* Memory outside the CMRs left usable. */
	emul->cmrs[0].base += SZ_1G;
	emul->cmrs[0].size -= SZ_1G;
	KUNIT_EXPECT_EQ(test, tdx_emul_check_tdmrs(emul, &pa, 1), TDXM_TDMR_OUTSIDE_CMRS);

	tdmrs_free_pamts(&list, &ops);
	tdmr_list_free(&list);
}

/*
 * A map in the style of the Emerald Rapids host of canonical/tdx#135: the
 * second GiB holds many firmware holes, all inside the first CMR
 * [1 MiB, 0x6f800000) (the CMRs that host's module reported), and the rest
 * of that GiB is outside every CMR. Synthetic: 18 runs of 38 MiB of RAM
 * with 4 MiB firmware-reserved DRAM after each, the last hole up to the
 * CMR's end; then RAM from 4 GiB to 8 GiB.
 */
#define EMR_RUNS	18
#define EMR_STRIDE	0x2a00000ULL
#define EMR_RUN		0x2600000ULL
#define EMR_CMR0_END	0x6f800000ULL

static void emr_map(struct kunit *test, struct tdx_memlist *mem, struct tdx_emul *emul,
		    bool holes_in_cmr)
{
	unsigned int i;

	mem->regions = kunit_kcalloc(test, EMR_RUNS + 2, sizeof(*mem->regions), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mem->regions);
	mem->regions[0] = (struct tdx_mem_region){ SZ_1M, SZ_1G, 0 };
	for (i = 0; i < EMR_RUNS; i++) {
		u64 s = SZ_1G + i * EMR_STRIDE;

		mem->regions[1 + i] = (struct tdx_mem_region){ s, s + EMR_RUN, 0 };
	}
	mem->regions[EMR_RUNS + 1] = (struct tdx_mem_region){ SZ_4G, 2 * SZ_4G, 0 };
	mem->nr = EMR_RUNS + 2;
	/* The first run continues the RAM below it. */
	mem->regions[0].end = mem->regions[1].end;
	memmove(&mem->regions[1], &mem->regions[2], EMR_RUNS * sizeof(*mem->regions));
	mem->nr--;

	tdx_emul_model_init(emul);
	if (holes_in_cmr) {
		KUNIT_ASSERT_EQ(test, tdx_emul_add_cmr(emul, SZ_1M, EMR_CMR0_END), 0);
	} else {
		/* The kernel's view, not the firmware's: a CMR per RAM run. */
		for (i = 0; i + 1 < mem->nr; i++)
			KUNIT_ASSERT_EQ(test, tdx_emul_add_cmr(emul, mem->regions[i].start,
							       mem->regions[i].end), 0);
	}
	KUNIT_ASSERT_EQ(test, tdx_emul_add_cmr(emul, SZ_4G, 2 * SZ_4G), 0);
}

/* Places the first PAMT block at a given address, the others top-down. */
struct placed_pamts {
	struct paper_pamts paper;
	u64 first;
	bool placed;
};

static u64 placed_alloc(void *data, int nid, unsigned long nr_pages)
{
	struct placed_pamts *p = data;

	if (!p->placed) {
		p->placed = true;
		p->paper.pages += nr_pages;
		return p->first;
	}
	return paper_alloc(&p->paper, nid, nr_pages);
}

static void placed_free(void *data, u64 pa, unsigned long nr_pages)
{
	struct placed_pamts *p = data;

	paper_free(&p->paper, pa, nr_pages);
}

static void tdmr_cmr_holes_test(struct kunit *test)
{
	struct tdx_sysinfo info;
	struct tdx_memlist mem;
	struct tdx_emul *emul;
	unsigned int r, end_side, tried = 0;
	u64 first_size;

	emul = kunit_kzalloc(test, sizeof(*emul), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, emul);
	emr_map(test, &mem, emul, true);
	test_sysinfo(&info);
	model_cmrs_to_info(emul, &info);
	/* The first TDMR, [0, 2 GiB), gets the first PAMT block. */
	first_size = abi_pamt_bytes(2ULL * SZ_1G);

	/* The PAMT at the start and at the end of every RAM run of that GiB. */
	for (r = 0; r < mem.nr - 1; r++) {
		const struct tdx_mem_region *run = &mem.regions[r];

		for (end_side = 0; end_side < 2; end_side++) {
			struct placed_pamts placed = {};
			struct tdx_pamt_ops ops = {
				.alloc = placed_alloc, .free = placed_free, .data = &placed,
			};
			struct tdmr_info_list list = {};
			u64 at;
			unsigned int i;

			at = end_side ? run->end - first_size : max_t(u64, run->start, SZ_1G);
			if (at < SZ_1G || at + first_size > run->end)
				continue;
			placed.first = at;
			placed.paper.mem = &mem;
			placed.paper.top = kunit_kcalloc(test, mem.nr, sizeof(u64), GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, placed.paper.top);
			for (i = 0; i < mem.nr; i++)
				placed.paper.top[i] = mem.regions[i].end;
			/* Nothing else goes where the first block is. */
			placed.paper.top[r] = min(placed.paper.top[r], at);

			KUNIT_ASSERT_EQ(test, tdmr_list_alloc(&list, &info), 0);
			KUNIT_EXPECT_EQ_MSG(test, tdmrs_construct(&list, &mem, &info, &ops), 0,
					    "PAMT at %#llx", at);
			if (!list.nr_tdmrs) {
				tdmr_list_free(&list);
				continue;
			}
			KUNIT_EXPECT_EQ_MSG(test, model_judges(test, emul, &list),
					    TDXM_SUCCESS, "PAMT at %#llx", at);
			check_coverage(test, emul, &mem, &list);
			/* Reserved: [0, 1 MiB), the CMR's tail, the PAMT: areas to spare. */
			KUNIT_EXPECT_EQ(test, tdmr_entry(&list, 0)->reserved_areas[3].size, 0);
			tdmrs_free_pamts(&list, &ops);
			tdmr_list_free(&list);
			tried++;
		}
	}
	KUNIT_EXPECT_GE(test, tried, 2 * (mem.nr - 1) - 2);
}

/* The same holes outside every CMR are more than a TDMR can reserve. */
static void tdmr_cmr_holes_outside_test(struct kunit *test)
{
	struct tdmr_info_list list = {};
	struct paper_pamts paper = {};
	struct tdx_pamt_ops ops = {
		.alloc = paper_alloc, .free = paper_free, .data = &paper,
	};
	struct tdx_sysinfo info;
	struct tdx_memlist mem;
	struct tdx_emul *emul;
	unsigned int i;

	emul = kunit_kzalloc(test, sizeof(*emul), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, emul);
	emr_map(test, &mem, emul, false);
	test_sysinfo(&info);
	model_cmrs_to_info(emul, &info);
	paper.mem = &mem;
	paper.top = kunit_kcalloc(test, mem.nr, sizeof(*paper.top), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, paper.top);
	for (i = 0; i < mem.nr; i++)
		paper.top[i] = mem.regions[i].end;

	KUNIT_ASSERT_EQ(test, tdmr_list_alloc(&list, &info), 0);
	KUNIT_EXPECT_EQ(test, tdmrs_construct(&list, &mem, &info, &ops), -ENOSPC);
	KUNIT_EXPECT_EQ(test, paper.pages, 0);
	KUNIT_EXPECT_EQ(test, list.nr_tdmrs, 0);
	tdmr_list_free(&list);
}

static struct kunit_case tdx_tdmr_cases[] = {
	KUNIT_CASE_PARAM(tdmr_map_test, tdmr_map_gen_params),
	KUNIT_CASE(tdmr_bad_layouts_test),
	KUNIT_CASE(tdmr_cmr_holes_test),
	KUNIT_CASE(tdmr_cmr_holes_outside_test),
	{}
};

static struct kunit_suite tdx_tdmr_suite = {
	.name = "tdx_tdmr",
	.test_cases = tdx_tdmr_cases,
};

/* tdx_module_enable() on this machine, with a model of its own */

struct init_env {
	struct tdx_emul emul;
	struct tdx_emul *prev;
	struct tdx_module m;
};

static void vmxoff_one(void *unused)
{
	tdx_emul_vmxoff();
}

/* The firmware's view of this machine's memory: its e820 table. */
static void this_machine_cmrs(struct kunit *test, struct tdx_emul *m)
{
	const struct tdx_emul *platform = tdx_emul_platform();
	struct tdx_emul_mem_range *map;
	unsigned int i;

	/* Booted emulated: the CMRs the platform was described with. */
	if (platform) {
		memcpy(m->cmrs, platform->cmrs, sizeof(m->cmrs));
		m->nr_cmrs = platform->nr_cmrs;
		return;
	}
	map = kunit_kcalloc(test, e820_table_firmware->nr_entries, sizeof(*map), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, map);
	for (i = 0; i < e820_table_firmware->nr_entries; i++) {
		const struct e820_entry *e = &e820_table_firmware->entries[i];

		map[i].start = e->addr;
		map[i].end = e->addr + e->size;
		map[i].type = e->type == E820_TYPE_RAM ? TDX_EMUL_MEM_RAM :
			      e->type == E820_TYPE_RESERVED ? TDX_EMUL_MEM_RESERVED :
			      e->type == E820_TYPE_ACPI || e->type == E820_TYPE_NVS ?
			      TDX_EMUL_MEM_FW : TDX_EMUL_MEM_OTHER;
	}
	KUNIT_ASSERT_EQ(test, tdx_emul_cmrs_from_map(m, map, i), 0);
}

static struct init_env *init_env(struct kunit *test)
{
	struct init_env *env = kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);
	unsigned int cpu;

	KUNIT_ASSERT_NOT_NULL(test, env);
	tdx_emul_model_init(&env->emul);
	for_each_present_cpu(cpu)
		KUNIT_ASSERT_EQ(test, tdx_emul_add_lp(&env->emul, cpu_physical_id(cpu),
						      topology_physical_package_id(cpu)), 0);
	this_machine_cmrs(test, &env->emul);
	env->emul.fail.verbose = 0;
	tdx_module_setup(&env->m);
	env->m.global_keyid = env->emul.keyid_start;
	env->prev = tdx_emul_set_active(&env->emul);
	test->priv = env;
	return env;
}

static void init_env_exit(struct kunit *test)
{
	struct init_env *env = test->priv;

	if (!env)
		return;
	tdx_module_destroy(&env->m);
	tdx_emul_set_active(env->prev);
}

static void init_cpu_enable(void *data)
{
	tdx_emul_vmxon();
	tdx_module_cpu_enable(data);
}

/* What KVM does: VMXON and enable every CPU, then initialize. */
static int init_run(struct init_env *env)
{
	int ret;

	cpus_read_lock();
	on_each_cpu(init_cpu_enable, &env->m, 1);
	ret = tdx_module_enable(&env->m);
	on_each_cpu(vmxoff_one, NULL, 1);
	cpus_read_unlock();
	return ret;
}

static void tdx_module_init_test(struct kunit *test)
{
	struct init_env *env = init_env(test);
	unsigned int i;
	u64 calls;

	KUNIT_ASSERT_EQ(test, init_run(env), 0);
	KUNIT_EXPECT_EQ(test, env->m.status, TDX_MODULE_INITIALIZED);
	/* The module's view: ready, every TDMR initialized, PAMT as given. */
	KUNIT_EXPECT_EQ(test, env->emul.state, TDX_EMUL_READY);
	KUNIT_EXPECT_EQ(test, env->emul.nr_tdmrs, env->m.tdmrs.nr_tdmrs);
	for (i = 0; i < env->emul.nr_tdmrs; i++)
		KUNIT_EXPECT_EQ(test, env->emul.tdmrs[i].next, env->emul.tdmrs[i].end);
	KUNIT_EXPECT_EQ(test, env->emul.pamt_bytes, tdmrs_pamt_bytes(&env->m.tdmrs));
	/* Every package's key configured: the model counts its own packages. */
	KUNIT_EXPECT_EQ(test, bitmap_weight(env->emul.pkgs_configured, TDX_EMUL_MAX_LPS),
			env->emul.nr_pkgs);
	/* The kernel records as many packages as the module configured. */
	KUNIT_EXPECT_EQ(test, bitmap_weight(env->m.pkgs, nr_cpu_ids), env->emul.nr_pkgs);

	/* Once: a second call issues no SEAMCALL. */
	calls = env->emul.nr_seamcalls;
	KUNIT_EXPECT_EQ(test, init_run(env), 0);
	KUNIT_EXPECT_EQ(test, env->emul.nr_seamcalls, calls);
}

/*
 * A module that reports the maximum number of CMRs, the entries after the
 * real ones empty, as TDX modules 1.5 do: the CMRs end at the first empty
 * one and the module initializes. The same with the exact count.
 */
static void tdx_module_init_cmr_tail_test(struct kunit *test)
{
	struct init_env *env = init_env(test);

	KUNIT_ASSERT_LT(test, env->emul.nr_cmrs, TDXM_MAX_CMRS);
	env->emul.num_cmrs_reported = TDXM_MAX_CMRS;
	KUNIT_EXPECT_EQ(test, init_run(env), 0);
	KUNIT_EXPECT_EQ(test, env->m.info.nr_cmrs, env->emul.nr_cmrs);
}

static void tdx_module_init_cmr_exact_test(struct kunit *test)
{
	struct init_env *env = init_env(test);

	env->emul.num_cmrs_reported = env->emul.nr_cmrs;
	KUNIT_EXPECT_EQ(test, init_run(env), 0);
	KUNIT_EXPECT_EQ(test, env->m.info.nr_cmrs, env->emul.nr_cmrs);
}

struct init_fault {
	const char *name;
	u64 leaf;		/* the SEAMCALL failed */
	u64 status;		/* ... with this status */
	int err;
	/* CPU enabling failed: tdx_module_enable() leaves the module alone */
	bool cpus;
};

static const struct init_fault init_faults[] = {
	{ "TDH.SYS.INIT: no module", TDXM_SYS_INIT, TDXM_VMFAILINVALID, -ENODEV, true },
	{ "TDH.SYS.LP.INIT", TDXM_SYS_LP_INIT, TDXM_OPERAND_INVALID, -EINVAL, true },
	{ "TDH.SYS.RD", TDXM_SYS_RD, TDXM_METADATA_FIELD_NOT_READABLE, -EIO },
	{ "TDH.SYS.CONFIG", TDXM_SYS_CONFIG, TDXM_INVALID_TDMR, -EIO },
	{ "TDH.SYS.KEY.CONFIG", TDXM_SYS_KEY_CONFIG, TDXM_SYS_BUSY, -EBUSY },
	{ "TDH.SYS.KEY.CONFIG: no key", TDXM_SYS_KEY_CONFIG, TDXM_KEY_GENERATION_FAILED, -EIO },
	{ "TDH.SYS.TDMR.INIT", TDXM_SYS_TDMR_INIT, TDXM_SYS_BUSY, -EBUSY },
};

static void init_fault_desc(const struct init_fault *f, char *desc)
{
	strscpy(desc, f->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(init_fault, init_faults, init_fault_desc);

static void tdx_module_init_fault_test(struct kunit *test)
{
	const struct init_fault *f = test->param_value;
	struct init_env *env = init_env(test);
	u64 calls;

	env->emul.fail_leaf = f->leaf;
	env->emul.fail_status = f->status;
	env->emul.fail.probability = 100;
	env->emul.fail.interval = 1;
	atomic_set(&env->emul.fail.times, -1);

	KUNIT_EXPECT_EQ(test, init_run(env), f->err);
	KUNIT_EXPECT_EQ(test, env->m.status,
			f->cpus ? TDX_MODULE_UNINITIALIZED : TDX_MODULE_ERROR);
	/* Everything unwound: TDMR list (and its PAMTs), memory list. */
	KUNIT_EXPECT_NULL(test, env->m.tdmrs.tdmrs);
	KUNIT_EXPECT_NULL(test, env->m.memlist.regions);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(env->m.pkgs, nr_cpu_ids));

	/* The same error again, without retrying. */
	atomic_set(&env->emul.fail.times, 0);
	calls = env->emul.nr_seamcalls;
	cpus_read_lock();
	KUNIT_EXPECT_EQ(test, tdx_module_enable(&env->m), f->err);
	cpus_read_unlock();
	KUNIT_EXPECT_EQ(test, env->emul.nr_seamcalls, calls);
}

/*
 * On a CPU with the partial-write erratum another kernel may be loaded
 * unless the module holds private memory and cannot reset it: the module
 * says whether it can (TDX_FEATURES0) and the model whether it holds any
 * (its TDMRs). Without the erratum, always.
 */
static void tdx_module_kexec_erratum_test(struct kunit *test)
{
	struct init_env *env = init_env(test);

	env->emul.sys_disable = false;
	KUNIT_EXPECT_EQ(test, tdx_module_kexec_allowed(&env->m, true), 0);
	KUNIT_ASSERT_EQ(test, init_run(env), 0);
	KUNIT_ASSERT_GT(test, env->emul.nr_tdmrs, 0);
	KUNIT_EXPECT_EQ(test, tdx_module_kexec_allowed(&env->m, true), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, tdx_module_kexec_allowed(&env->m, false), 0);
}

/* A module with TDH.SYS.DISABLE can reset its memory: allowed. */
static void tdx_module_kexec_erratum_disable_test(struct kunit *test)
{
	struct init_env *env = init_env(test);

	KUNIT_ASSERT_TRUE(test, env->emul.sys_disable);
	KUNIT_ASSERT_EQ(test, init_run(env), 0);
	KUNIT_EXPECT_EQ(test, tdx_module_kexec_allowed(&env->m, true), 0);
}

/*
 * A machine check is reported as one on TDX private memory exactly where
 * the model's module holds its PAMTs (the PAMTs the model recorded at
 * TDH.SYS.CONFIG): at the first and last byte of each, not right outside.
 */
static void tdx_module_pamt_has_test(struct kunit *test)
{
	struct init_env *env = init_env(test);
	unsigned int i, l;

	KUNIT_EXPECT_FALSE(test, tdx_module_pamt_has(&env->m, 0));
	KUNIT_ASSERT_EQ(test, init_run(env), 0);
	KUNIT_ASSERT_GT(test, env->emul.nr_tdmrs, 0);
	for (i = 0; i < env->emul.nr_tdmrs; i++) {
		const struct tdx_emul_tdmr *t = &env->emul.tdmrs[i];

		for (l = 0; l < 3; l++) {
			u64 b = t->pamt_base[l], e = b + t->pamt_size[l];

			if (!t->pamt_size[l])
				continue;
			KUNIT_EXPECT_TRUE(test, tdx_module_pamt_has(&env->m, b));
			KUNIT_EXPECT_TRUE(test, tdx_module_pamt_has(&env->m, e - 1));
		}
	}
	/* Memory the module was not given: the TDMR_INFO array, a TDMR's base. */
	KUNIT_EXPECT_FALSE(test, tdx_module_pamt_has(&env->m, __pa(env->m.tdmrs.tdmrs)));
	KUNIT_EXPECT_FALSE(test, tdx_module_pamt_has(&env->m, env->emul.tdmrs[0].base));
	/* Once the module was lost in S3, nothing is private any more. */
	env->m.status = TDX_MODULE_LOST;
	KUNIT_EXPECT_FALSE(test, tdx_module_pamt_has(&env->m, env->emul.tdmrs[0].pamt_base[0]));
	env->m.status = TDX_MODULE_INITIALIZED;
}

/* What other calls get while the first TDH.SYS.TDMR.INIT is at work. */
struct tdmr_init_busy {
	bool done;
	u64 same, other, exclusive, shared;
};

static u64 model_call(struct tdx_emul *m, u64 fn, u64 rcx, u64 rdx)
{
	struct tdx_emul_regs r = { .rax = fn, .rcx = rcx, .rdx = rdx };

	return tdx_emul_call(m, 0, &r);
}

static void tdmr_init_busy_probe(struct tdx_emul *m, u64 base)
{
	struct tdmr_init_busy *b = m->test_data;

	if (b->done)
		return;
	b->done = true;
	b->same = model_call(m, TDXM_SYS_TDMR_INIT, base, 0);
	b->exclusive = model_call(m, TDXM_SYS_KEY_CONFIG, 0, 0);
	b->shared = model_call(m, TDXM_SYS_RD, 0, TDXM_MD_MAX_TDMRS);
	if (m->nr_tdmrs > 1)
		b->other = model_call(m, TDXM_SYS_TDMR_INIT,
				      m->tdmrs[base == m->tdmrs[0].base].base, 0);
}

/*
 * The module's own serialization, as the ABI states it: while one
 * TDH.SYS.TDMR.INIT is at work, another on the same TDMR gets
 * TDX_OPERAND_BUSY(RCX), an exclusive leaf TDX_SYS_BUSY, while a shared
 * leaf and TDMR.INIT on another TDMR proceed. The kernel's initialization,
 * which saw none of it, completes.
 */
static void tdx_module_tdmr_init_busy_test(struct kunit *test)
{
	struct init_env *env = init_env(test);
	struct tdmr_init_busy b = {};
	unsigned int i;

	env->emul.test_data = &b;
	env->emul.in_tdmr_init = tdmr_init_busy_probe;
	KUNIT_ASSERT_EQ(test, init_run(env), 0);
	KUNIT_ASSERT_TRUE(test, b.done);
	KUNIT_EXPECT_EQ(test, b.same, 0x8000020000000001ULL);	/* OPERAND_BUSY, RCX */
	KUNIT_EXPECT_EQ(test, b.exclusive, 0x8000020200000000ULL);	/* SYS_BUSY */
	KUNIT_EXPECT_EQ(test, b.shared, 0ULL);
	if (env->emul.nr_tdmrs > 1)
		KUNIT_EXPECT_EQ(test, b.other, 0ULL);
	else
		kunit_info(test, "one TDMR: TDMR.INIT on another TDMR not tried");
	for (i = 0; i < env->emul.nr_tdmrs; i++) {
		KUNIT_EXPECT_EQ(test, env->emul.tdmrs[i].next, env->emul.tdmrs[i].end);
		KUNIT_EXPECT_FALSE(test, env->emul.tdmrs[i].busy);
	}
	KUNIT_EXPECT_EQ(test, env->emul.shared, 0U);
	KUNIT_EXPECT_EQ(test, env->emul.state, TDX_EMUL_READY);
}

/* A module whose TDH.SYS.TDMR.INIT failed had its PAMTs reset: allowed. */
static void tdx_module_kexec_erratum_failed_test(struct kunit *test)
{
	struct init_env *env = init_env(test);

	env->emul.sys_disable = false;
	env->emul.fail_leaf = TDXM_SYS_TDMR_INIT;
	env->emul.fail_status = TDXM_OPERAND_INVALID;
	env->emul.fail.probability = 100;
	env->emul.fail.interval = 1;
	atomic_set(&env->emul.fail.times, 1);
	KUNIT_EXPECT_EQ(test, init_run(env), -EINVAL);
	/* The module was configured: it had the PAMTs. */
	KUNIT_EXPECT_GE(test, env->emul.state, TDX_EMUL_SYSCONFIG_DONE);
	KUNIT_EXPECT_EQ(test, tdx_module_kexec_allowed(&env->m, true), 0);
}

/* Memory the CMRs do not cover cannot become TDX memory. */
static void tdx_module_init_not_convertible_test(struct kunit *test)
{
	struct init_env *env = init_env(test);

	/* The first 4 KiB of TDX memory (at 1 MiB) no longer convertible. */
	KUNIT_ASSERT_GE(test, env->emul.nr_cmrs, 1);
	KUNIT_ASSERT_EQ(test, env->emul.cmrs[0].base, SZ_1M);
	env->emul.cmrs[0].base += SZ_4K;
	env->emul.cmrs[0].size -= SZ_4K;
	KUNIT_EXPECT_EQ(test, init_run(env), -EINVAL);
	KUNIT_EXPECT_EQ(test, env->m.status, TDX_MODULE_ERROR);
	KUNIT_EXPECT_EQ(test, env->emul.state, TDX_EMUL_SYSINIT_DONE);
}

/* TDH.SYS.CONFIG needs every LP of the platform. */
static void tdx_module_init_all_lps_test(struct kunit *test)
{
	struct init_env *env = init_env(test);

	KUNIT_ASSERT_EQ(test, tdx_emul_add_lp(&env->emul, 0xfffe, 0xfffe), 0);
	KUNIT_EXPECT_EQ(test, init_run(env), -EIO);
	KUNIT_EXPECT_EQ(test, env->emul.state, TDX_EMUL_SYSINIT_DONE);
}

/*
 * A precondition that does not hold yet (CPUs not enabled) fails without
 * touching the module: once it holds, initialization works.
 */
static void tdx_module_init_cpus_not_ready_test(struct kunit *test)
{
	struct init_env *env = init_env(test);
	int ret;

	cpus_read_lock();
	ret = tdx_module_enable(&env->m);
	cpus_read_unlock();
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	KUNIT_EXPECT_EQ(test, env->m.status, TDX_MODULE_UNINITIALIZED);
	KUNIT_EXPECT_EQ(test, env->emul.nr_seamcalls, 0);
	KUNIT_EXPECT_EQ(test, init_run(env), 0);
	KUNIT_EXPECT_EQ(test, env->emul.state, TDX_EMUL_READY);
}

static struct kunit_case tdx_module_init_cases[] = {
	KUNIT_CASE(tdx_module_init_test),
	KUNIT_CASE(tdx_module_init_cmr_tail_test),
	KUNIT_CASE(tdx_module_init_cmr_exact_test),
	KUNIT_CASE_PARAM(tdx_module_init_fault_test, init_fault_gen_params),
	KUNIT_CASE(tdx_module_kexec_erratum_test),
	KUNIT_CASE(tdx_module_kexec_erratum_disable_test),
	KUNIT_CASE(tdx_module_kexec_erratum_failed_test),
	KUNIT_CASE(tdx_module_pamt_has_test),
	KUNIT_CASE(tdx_module_tdmr_init_busy_test),
	KUNIT_CASE(tdx_module_init_not_convertible_test),
	KUNIT_CASE(tdx_module_init_all_lps_test),
	KUNIT_CASE(tdx_module_init_cpus_not_ready_test),
	{}
};

static struct kunit_suite tdx_module_init_suite = {
	.name = "tdx_module_init",
	.exit = init_env_exit,
	.test_cases = tdx_module_init_cases,
};

/* The TD lifecycle against the module's rules, on a module of its own */

static void vmxon_one(void *unused)
{
	tdx_emul_vmxon();
}

/*
 * An initialized module on this machine, every online CPU in VMX
 * operation; the model's physical address width is the CPU's, as on the
 * platform (TDH.PHYMEM.PAGE.WBINVD finds the KeyID above it).
 */
static struct init_env *td_env(struct kunit *test)
{
	struct init_env *env = init_env(test);

	env->emul.max_pa = 1ULL << (cpuid_eax(0x80000008) & 0xff);
	KUNIT_ASSERT_EQ(test, init_run(env), 0);
	on_each_cpu(vmxon_one, NULL, 1);
	return env;
}

static void td_env_exit(struct kunit *test)
{
	on_each_cpu(vmxoff_one, NULL, 1);
	init_env_exit(test);
}

/* What the module holds for TDs, in its own books. */
struct td_held {
	unsigned int tds, hkids, pages;
};

static struct td_held td_held(struct tdx_emul *m)
{
	struct td_held h;

	raw_spin_lock_irq(&m->lock);
	h.tds = tdx_emul_td_count(m, &h.hkids, &h.pages);
	raw_spin_unlock_irq(&m->lock);
	return h;
}

static struct tdx_emul_td *model_td(struct tdx_emul *m, struct tdx_td *td)
{
	unsigned int i;

	for (i = 0; i < TDX_EMUL_MAX_TDS; i++)
		if (m->tds[i].tdr && m->tds[i].tdr == page_to_phys(td->tdr))
			return &m->tds[i];
	return NULL;
}

static struct tdx_td *td_new(struct kunit *test, struct init_env *env, int keyid)
{
	struct tdx_td *td = tdx_module_td_alloc(&env->m);

	KUNIT_ASSERT_FALSE(test, IS_ERR(td));
	td->keyid = keyid;
	return td;
}

static int td_build(struct tdx_td *td)
{
	int ret;

	cpus_read_lock();
	ret = tdx_module_td_build(td, cpu_online_mask);
	cpus_read_unlock();
	return ret;
}

static int td_free_keyid(struct tdx_td *td, const struct cpumask *cpus)
{
	int ret;

	cpus_read_lock();
	ret = tdx_module_td_free_keyid(td, cpus ? cpus : cpu_online_mask);
	cpus_read_unlock();
	return ret;
}

/*
 * A TD's whole life, judged by the module: created with its KeyID, the key
 * configured on every package the model knows, the control pages it
 * requires, initialized; then flushed, the KeyID free in the module's
 * table, every page back; the pages were cleared for the kernel.
 */
static void tdx_td_lifecycle_test(struct kunit *test)
{
	struct init_env *env = td_env(test);
	int keyid = env->emul.keyid_start + 1;
	const struct tdx_emul_td *mtd;
	struct tdx_td *td = td_new(test, env, keyid);
	struct page *params;
	struct td_held h;
	u64 status;

	/* The module asks for 6 TDCS pages: the metadata reached the kernel. */
	KUNIT_EXPECT_EQ(test, td->nr_tdcs, TDXM_MIN_TDCS_PAGES);
	KUNIT_ASSERT_EQ(test, td_build(td), 0);
	mtd = model_td(&env->emul, td);
	KUNIT_ASSERT_NOT_NULL(test, mtd);
	KUNIT_EXPECT_EQ(test, mtd->hkid, keyid);
	KUNIT_EXPECT_EQ(test, mtd->lifecycle, TDXM_TD_KEYS_CONFIGURED);
	KUNIT_EXPECT_EQ(test, bitmap_weight(mtd->pkg_config, TDX_EMUL_MAX_LPS),
			env->emul.nr_pkgs);
	KUNIT_EXPECT_EQ(test, mtd->nr_tdcx, TDXM_MIN_TDCS_PAGES);
	h = td_held(&env->emul);
	KUNIT_EXPECT_EQ(test, h.tds, 1);
	KUNIT_EXPECT_EQ(test, h.hkids, 1);
	KUNIT_EXPECT_EQ(test, h.pages, 1 + TDXM_MIN_TDCS_PAGES);

	/* KVM's next step, through the core's wrapper: refused once, then done. */
	params = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, params);
	env->emul.fail_leaf = TDXM_MNG_INIT;
	env->emul.fail_status = TDXM_TDCS_NOT_ALLOCATED;
	env->emul.fail.probability = 100;
	env->emul.fail.interval = 1;
	atomic_set(&env->emul.fail.times, 1);
	KUNIT_EXPECT_EQ(test, tdh_mng_init(page_to_phys(td->tdr), page_to_phys(params),
					   NULL, &status), -EIO);
	KUNIT_EXPECT_EQ(test, status, TDXM_TDCS_NOT_ALLOCATED);
	KUNIT_EXPECT_FALSE(test, mtd->initialized);
	KUNIT_EXPECT_EQ(test, tdh_mng_init(page_to_phys(td->tdr), page_to_phys(params),
					   NULL, &status), 0);
	KUNIT_EXPECT_TRUE(test, mtd->initialized);
	/* Once: the module refuses a second TDH.MNG.INIT. */
	KUNIT_EXPECT_EQ(test, tdh_mng_init(page_to_phys(td->tdr), page_to_phys(params),
					   NULL, &status), -EIO);
	KUNIT_EXPECT_EQ(test, status, TDXM_OP_STATE_INCORRECT);
	__free_page(params);

	KUNIT_EXPECT_EQ(test, td_free_keyid(td, NULL), 0);
	KUNIT_EXPECT_EQ(test, env->emul.hkid_state[keyid], TDXM_HKID_FREE);
	KUNIT_EXPECT_EQ(test, tdx_module_td_reclaim(td), 0);
	h = td_held(&env->emul);
	KUNIT_EXPECT_EQ(test, h.tds + h.hkids + h.pages, 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(page_address(td->tdr), 0, PAGE_SIZE));
	tdx_module_td_free(td);
}

struct td_fault {
	const char *name;
	u64 leaf;
	u64 status;
	int err;
	bool build;	/* fails tdx_module_td_build(), else the teardown */
};

static const struct td_fault td_faults[] = {
	{ "TDH.MNG.CREATE: KeyID taken", TDXM_MNG_CREATE, TDXM_HKID_NOT_FREE, -EIO, true },
	{ "TDH.MNG.CREATE: busy", TDXM_MNG_CREATE, TDXM_OPERAND_BUSY | 0xba, -EBUSY, true },
	{ "TDH.MNG.KEY.CONFIG: no key", TDXM_MNG_KEY_CONFIG, TDXM_KEY_GENERATION_FAILED,
	  -EIO, true },
	{ "TDH.MNG.ADDCX", TDXM_MNG_ADDCX, TDXM_TDCX_NUM_INCORRECT, -EIO, true },
	{ "TDH.MNG.VPFLUSHDONE", TDXM_MNG_VPFLUSHDONE, TDXM_FLUSHVP_NOT_DONE, -EIO },
	{ "TDH.PHYMEM.CACHE.WB: never done", TDXM_PHYMEM_CACHE_WB,
	  TDXM_INTERRUPTED_RESUMABLE, -EBUSY },
	{ "TDH.MNG.KEY.FREEID", TDXM_MNG_KEY_FREEID, TDXM_WBCACHE_NOT_COMPLETE, -EIO },
	{ "TDH.PHYMEM.PAGE.RECLAIM", TDXM_PHYMEM_PAGE_RECLAIM,
	  TDXM_LIFECYCLE_STATE_INCORRECT, -EIO },
	{ "TDH.PHYMEM.PAGE.WBINVD", TDXM_PHYMEM_PAGE_WBINVD,
	  TDXM_OPERAND_INVALID | TDXM_OP_RCX, -EINVAL },
};

static void td_fault_desc(const struct td_fault *f, char *desc)
{
	strscpy(desc, f->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(td_fault, td_faults, td_fault_desc);

static int td_teardown(struct tdx_td *td)
{
	int ret = td_free_keyid(td, NULL);

	return ret ? ret : tdx_module_td_reclaim(td);
}

/*
 * Each leaf of a TD's life failed, as long as the module keeps failing it:
 * the step returns the errno of the status; once the module answers again
 * the TD is taken apart from where it stopped and the module holds nothing
 * of it: no TD, no KeyID, no page.
 */
static void tdx_td_fault_test(struct kunit *test)
{
	const struct td_fault *f = test->param_value;
	struct init_env *env = td_env(test);
	struct tdx_td *td = td_new(test, env, env->emul.keyid_start + 2);
	struct td_held h;

	env->emul.fail_leaf = f->leaf;
	env->emul.fail_status = f->status;
	env->emul.fail.probability = 100;
	env->emul.fail.interval = 1;
	atomic_set(&env->emul.fail.times, f->build ? -1 : 0);

	KUNIT_EXPECT_EQ(test, td_build(td), f->build ? f->err : 0);
	atomic_set(&env->emul.fail.times, -1);
	KUNIT_EXPECT_EQ(test, td_teardown(td), f->build ? 0 : f->err);
	atomic_set(&env->emul.fail.times, 0);
	KUNIT_EXPECT_EQ(test, td_teardown(td), 0);
	h = td_held(&env->emul);
	KUNIT_EXPECT_EQ(test, h.tds, 0);
	KUNIT_EXPECT_EQ(test, h.hkids, 0);
	KUNIT_EXPECT_EQ(test, h.pages, 0);
	KUNIT_EXPECT_FALSE(test, td->created);
	KUNIT_EXPECT_FALSE(test, td->tdr_dirty);
	KUNIT_EXPECT_EQ(test, td->nr_added, 0);
	tdx_module_td_free(td);
}

/*
 * Why every package needs an online CPU, shown by the module: with the
 * CPUs of one package left out, TDH.MNG.KEY.FREEID is refused
 * (TDX_WBCACHE_NOT_COMPLETE, that package still owes the write back), the
 * TD's pages stay the module's, and the teardown says -EBUSY: the TD is
 * parked. With the package back, it completes.
 */
static void tdx_td_package_missing_test(struct kunit *test)
{
	struct init_env *env = td_env(test);
	int keyid = env->emul.keyid_start + 3;
	struct tdx_td *td = td_new(test, env, keyid);
	cpumask_var_t cpus;
	unsigned int cpu, pkg;
	u64 status;

	if (env->emul.nr_pkgs < 2)
		kunit_skip(test, "one package: boot with two or more");
	KUNIT_ASSERT_EQ(test, td_build(td), 0);
	KUNIT_ASSERT_TRUE(test, zalloc_cpumask_var(&cpus, GFP_KERNEL));
	pkg = topology_logical_package_id(cpumask_last(cpu_online_mask));
	for_each_online_cpu(cpu)
		if (topology_logical_package_id(cpu) != pkg)
			cpumask_set_cpu(cpu, cpus);

	KUNIT_EXPECT_EQ(test, td_free_keyid(td, cpus), -EBUSY);
	KUNIT_EXPECT_EQ(test, env->emul.hkid_state[keyid], TDXM_HKID_FLUSHED);
	KUNIT_EXPECT_EQ(test, bitmap_weight(env->emul.hkid_wbinvd[keyid], TDX_EMUL_MAX_LPS), 1);
	KUNIT_EXPECT_EQ(test, tdh_mng_key_freeid(page_to_phys(td->tdr), &status), -EIO);
	KUNIT_EXPECT_EQ(test, status, TDXM_WBCACHE_NOT_COMPLETE);
	KUNIT_EXPECT_EQ(test, tdh_phymem_page_reclaim(page_to_phys(td->tdcs[0]), NULL, NULL,
						      NULL, &status), -EIO);
	KUNIT_EXPECT_EQ(test, status, TDXM_LIFECYCLE_STATE_INCORRECT);
	KUNIT_EXPECT_EQ(test, td_held(&env->emul).pages, 1 + TDXM_MIN_TDCS_PAGES);

	KUNIT_EXPECT_EQ(test, td_teardown(td), 0);
	KUNIT_EXPECT_EQ(test, env->emul.hkid_state[keyid], TDXM_HKID_FREE);
	KUNIT_EXPECT_EQ(test, td_held(&env->emul).pages, 0);
	free_cpumask_var(cpus);
	tdx_module_td_free(td);
}

/*
 * The module's rules the lifecycle relies on, straight from the model: the
 * global KeyID and a KeyID in use cannot make a TD, a KeyID outside the
 * private range is an invalid operand, the TD root goes back last, and a
 * page the module does not hold cannot be reclaimed.
 */
static void tdx_td_module_rules_test(struct kunit *test)
{
	struct init_env *env = td_env(test);
	int keyid = env->emul.keyid_start + 4;
	struct tdx_td *td = td_new(test, env, keyid);
	struct page *page = alloc_page(GFP_KERNEL);
	u64 tdr = page_to_phys(td->tdr), status;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, tdh_mng_create(page_to_phys(page), env->m.global_keyid,
					     &status), -EIO);
	KUNIT_EXPECT_EQ(test, status, TDXM_HKID_NOT_FREE);
	KUNIT_EXPECT_EQ(test, tdh_mng_create(page_to_phys(page),
					     env->emul.keyid_start + env->emul.keyid_nr,
					     &status), -EINVAL);
	KUNIT_EXPECT_EQ(test, status, TDXM_OPERAND_INVALID | TDXM_OP_RDX);
	KUNIT_ASSERT_EQ(test, td_build(td), 0);
	KUNIT_EXPECT_EQ(test, tdh_mng_create(page_to_phys(page), keyid, &status), -EIO);
	KUNIT_EXPECT_EQ(test, status, TDXM_HKID_NOT_FREE);
	/* Already configured everywhere: the TD is past that state. */
	KUNIT_EXPECT_EQ(test, tdh_mng_key_config(tdr, &status), -EIO);
	KUNIT_EXPECT_EQ(test, status, TDXM_LIFECYCLE_STATE_INCORRECT);
	KUNIT_EXPECT_EQ(test, tdh_mng_key_freeid(tdr, &status), -EIO);
	KUNIT_EXPECT_EQ(test, status, TDXM_LIFECYCLE_STATE_INCORRECT);
	KUNIT_EXPECT_EQ(test, td_free_keyid(td, NULL), 0);
	KUNIT_EXPECT_EQ(test, tdh_phymem_page_reclaim(tdr, NULL, NULL, NULL, &status), -EIO);
	KUNIT_EXPECT_EQ(test, status, TDXM_TD_ASSOCIATED_PAGES_EXIST);
	KUNIT_EXPECT_EQ(test, tdh_phymem_page_reclaim(page_to_phys(page), NULL, NULL, NULL,
						      &status), -EIO);
	KUNIT_EXPECT_EQ(test, status, TDXM_PAGE_METADATA_INCORRECT | TDXM_OP_RCX);
	KUNIT_EXPECT_EQ(test, tdx_module_td_reclaim(td), 0);
	__free_page(page);
	tdx_module_td_free(td);
}

/* A module that may clobber RBP across TD entry is refused, with a reason. */
static void tdx_td_no_rbp_mod_test(struct kunit *test)
{
	struct init_env *env = init_env(test);

	env->emul.no_rbp_mod = false;
	KUNIT_EXPECT_EQ(test, init_run(env), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, env->m.status, TDX_MODULE_ERROR);
}

static struct kunit_case tdx_td_cases[] = {
	KUNIT_CASE(tdx_td_lifecycle_test),
	KUNIT_CASE_PARAM(tdx_td_fault_test, td_fault_gen_params),
	KUNIT_CASE(tdx_td_package_missing_test),
	KUNIT_CASE(tdx_td_module_rules_test),
	KUNIT_CASE(tdx_td_no_rbp_mod_test),
	{}
};

static struct kunit_suite tdx_td_suite = {
	.name = "tdx_td",
	.exit = td_env_exit,
	.test_cases = tdx_td_cases,
};

kunit_test_suites(&tdx_tdmr_suite, &tdx_module_init_suite, &tdx_td_suite);

MODULE_LICENSE("GPL");
