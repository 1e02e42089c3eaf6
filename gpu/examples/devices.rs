//! Prints what wgpu sees, best first, as `vex devices` will: `cargo run -p vex-gpu
//! --example devices`.

fn main() {
    let all = vex_gpu::devices();
    if all.is_empty() {
        println!("no GPU adapter (no Vulkan, Metal or DX12 driver visible)");
    }
    for d in all {
        println!(
            "{} ({}, {:?}): float64 {}, int64 {}, max buffer {} MiB, max binding {} MiB, {} workgroups per dimension",
            d.name,
            d.backend,
            d.device_type,
            if d.f64 { "yes" } else { "no" },
            if d.int64 { "yes" } else { "no" },
            d.max_buffer_size >> 20,
            d.max_storage_binding >> 20,
            d.max_workgroups_per_dimension
        );
    }
    match vex_gpu::Device::new() {
        Ok(device) => match device.fma_is_fused() {
            Ok(fused) => println!(
                "chosen: {}; float64 fma rounds {}",
                device.summary().name,
                if fused {
                    "once"
                } else {
                    "twice (emulated exactly)"
                }
            ),
            Err(e) => println!("chosen: {}; {e}", device.summary().name),
        },
        Err(e) => println!("{e}"),
    }
}
