from qualityservice.core.conf import env, env_rate

QS_SAMPLE_GREETING = env("QS_SAMPLE_GREETING", "你好")
QS_SAMPLE_RATE = env_rate("QS_SAMPLE_RATE", "3/h")
