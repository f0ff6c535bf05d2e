// Local tooling runs on Node 20 on purpose (TOOLCHAIN.md); Lambda runs Node 22.
// The SDK's "Node 22 needed from 2027" notice is known and only adds noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
