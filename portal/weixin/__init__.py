"""WeChat sign-in: allauth's `weixin` provider keyed by unionid.

Two ways in, each with its own AppID: the QR code on the web (an Open
Platform website app, scope snsapi_login) and the in-WeChat browser (an
Official Account, scope snsapi_userinfo). Both write one SocialAccount per
person under provider "weixin", keyed by unionid when WeChat returns it.
"""
